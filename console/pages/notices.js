// 公示: a month's usage notice as staff read it (live, from the ledger:
// GET /api/v1/notices/{period}), any past month through the picker, and
// the publishing of a closed month: its summary is on the page before the
// button, a month with no figures says so, and a confirm dialog comes
// before the POST. Published months are listed with links to what the
// public sees (/ and /public/notices/{period}).
import { h, clear } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { yuan, num, datetime, month, addMonths } from '../lib/fmt.js';
import { header, section, table, select, field, confirm, flash, badge,
	link, errorText } from '../lib/ui.js';

const BACK = 24; // months the picker offers besides those with figures
const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

// A message for after the page is drawn again (the shell rebuilds the
// flash area on every route).
let after = null;

// "<5" stays as the notice says it; a number is grouped.
function count(v) {
	return typeof v === 'number' ? num(v) : String(v === undefined ? '' : v);
}

function zero(v) {
	return v === 0 || v === undefined || v === null;
}

// Nothing came in, went out or was served that month.
export function noFigures(n) {
	const s = n.sources || {}, u = n.uses || {};
	const p = n.points || {}, hs = n.households_served || {};
	return zero(s.cash_total_fen) && zero(s.in_kind_total_fen) &&
	    zero(s.purchased_total_fen) && zero(u.goods_distributed_quantity) &&
	    zero(u.goods_distributed_total_fen) &&
	    zero(u.fund_expenses_total_fen) && zero(u.write_offs_total_fen) &&
	    zero(hs.households) && zero(p.granted) && zero(p.redeemed) &&
	    zero(p.expired);
}

function figure(label, value, id) {
	return h('div', { class: 'figure-box', id },
	    h('div', { class: 'figure' }, value),
	    h('div', { class: 'figure-label' }, label));
}

function sub(title, cols, rows) {
	if (!rows || rows.length === 0)
		return null;
	return h('div', { class: 'notice-part' }, h('h3', null, title),
	    table(cols, rows));
}

const byCat = [
	{ label: '类别', get: (r) => r.category },
	{ label: '数量', num: true, get: (r) => num(r.quantity) },
	{ label: '价值', num: true, get: (r) => yuan(r.value_fen) },
];

function summary(n) {
	const s = n.sources || {}, u = n.uses || {};
	const p = n.points || {}, hs = n.households_served || {};
	const ps = n.priority_share;
	return h('div', { id: 'notices-summary' },
	    h('div', { class: 'grid' },
		figure('现金捐赠', yuan(s.cash_total_fen || 0), 'notices-cash'),
		figure('捐赠物资价值', yuan(s.in_kind_total_fen || 0)),
		figure('采购物资价值', yuan(s.purchased_total_fen || 0)),
		figure('发放物资（件）', num(u.goods_distributed_quantity || 0),
		    'notices-distributed'),
		figure('发放物资价值', yuan(u.goods_distributed_total_fen || 0)),
		figure('基金支出', yuan(u.fund_expenses_total_fen || 0)),
		figure('报损价值', yuan(u.write_offs_total_fen || 0)),
		figure('受助户数 / 人数', count(hs.households) + ' / ' +
		    count(hs.persons)),
		figure('积分：发放 / 兑换 / 过期', num(p.granted || 0) + ' / ' +
		    num(p.redeemed || 0) + ' / ' + num(p.expired || 0)),
		figure('月末库存价值', yuan(n.closing_stock_value_fen || 0)),
		ps && ps.total_value_fen ? figure('优先户所得占比',
		    ps.hidden ? '不公布（户数少于5）' :
		    (ps.per_mille / 10).toFixed(1) + '%') : null),
	    h('div', { class: 'notice-parts' },
		sub('现金来源（按捐赠人类型）', [
			{ label: '类型', get: (r) => r.label || r.kind },
			{ label: '金额', num: true, get: (r) => yuan(r.amount_fen) },
		], s.cash_by_donor_kind),
		sub('现金去向（按基金）', [
			{ label: '基金', get: (r) => r.fund },
			{ label: '金额', num: true, get: (r) => yuan(r.amount_fen) },
		], s.cash_by_fund),
		sub('捐赠物资（按类别）', byCat, s.in_kind_by_category),
		sub('采购物资（按类别）', byCat, s.purchased_by_category),
		sub('发放物资（按类别，已扣除作废）', byCat,
		    u.goods_distributed_by_category),
		sub('基金支出（按用途）', [
			{ label: '用途', get: (r) => r.purpose },
			{ label: '金额', num: true, get: (r) => yuan(r.amount_fen) },
		], u.fund_expenses_by_purpose),
		sub('报损', [
			{ label: '原因', get: (r) => r.label || r.reason },
			{ label: '数量', num: true, get: (r) => num(r.quantity) },
			{ label: '价值', num: true, get: (r) => yuan(r.value_fen) },
		], u.write_offs),
		sub('受助家庭（按类别；不足 5 显示为 <5）', [
			{ label: '类别', get: (r) => r.label || r.category },
			{ label: '优先', get: (r) => r.priority ? '是' : '' },
			{ label: '户数', num: true, get: (r) => count(r.households) },
			{ label: '人数', num: true, get: (r) => count(r.persons) },
		], hs.by_category)),
	    h('p', { class: 'muted ledger-head' }, '账本哈希链头：',
		h('code', { id: 'notices-head' }, n.ledger_head || '（尚无记录）')));
}

// The months the picker offers: this one back BACK months, and any older
// one the server lists (with figures or published).
function periods(now, listed) {
	const seen = new Map();
	for (let i = 0; i <= BACK; i++)
		seen.set(addMonths(now, -i), null);
	for (const it of listed)
		if (PERIOD.test(it.period) && it.period <= now)
			seen.set(it.period, it);
	return [...seen.entries()].sort((a, b) => (a[0] < b[0] ? 1 : -1))
	    .map(([p, it]) => [p, p + (p === now ? ' · 本月（进行中）' :
		it && it.published ? ' · 已发布' : it ? ' · 有数据' : '')]);
}

function statusBadge(n, now) {
	if (n.period === now)
		return badge('本月进行中', 'warn');
	if (n.published_at)
		return badge('已发布 ' + datetime(n.published_at), 'ok');
	return badge('未发布', 'bad');
}

// The publish card: only for writers, only for a closed month not yet
// published; the summary above is what is frozen.
function publishCard(n, now, ctx) {
	if (n.period === now)
		return section('发布',
		    h('p', { id: 'notices-open' }, '本月尚未结束，月底后才能发布。' +
			'公开页面上本月的数字是截至今日零点的临时数字。'));
	if (n.published_at)
		return section('发布',
		    h('p', { id: 'notices-done' }, '该月公示已于 ' +
			datetime(n.published_at) + ' 发布，内容已固定，不再随账目变化。'));
	if (!ctx.canWrite)
		return section('发布', h('p', null, '该月公示尚未发布。'));
	const empty = noFigures(n);
	const err = h('div', { class: 'form-error', role: 'alert',
	    id: 'notices-error' });
	const btn = h('button', { type: 'button', id: 'notices-publish',
	    class: 'primary' }, '发布 ' + n.period + ' 公示');
	btn.addEventListener('click', async () => {
		clear(err);
		const ok = await confirm('发布 ' + n.period + ' 的公示？发布后内容' +
		    '固定为上面显示的数字，公众可在公示页面看到，不能撤回。' +
		    (empty ? '注意：该月没有任何收支记录，将发布一份全为零的公示。' :
			''), '发布');
		if (!ok)
			return;
		btn.disabled = true;
		try {
			const r = await api('POST', '/api/v1/notices/' + n.period +
			    '/publish');
			after = ['已发布 ' + n.period + ' 公示（' +
			    datetime(r.published_at) + '）', 'ok'];
			ctx.reload();
		} catch (e) {
			err.append(e.code === 'period_open' ?
			    '该月尚未结束，不能发布' : errorText(e));
			btn.disabled = false;
		}
	});
	return section('发布',
	    empty ? h('p', { class: 'notices-warn' }, '该月没有任何收支记录，' +
		'见页首的提示。') : null,
	    h('p', null, '发布前请核对上面的数字。发布后，' + n.period +
		' 的公示固定为此刻的内容，公开页面和 CSV 都以它为准。'),
	    h('div', { class: 'actions' }, btn), err);
}

function publishedList(listed, now) {
	const rows = listed.filter((it) => it.published || it.period === now);
	return table([
		{ label: '月份', get: (it) => link(it.period, 'notices',
		    { period: it.period }) },
		{ label: '状态', get: (it) => it.published ? badge('已发布', 'ok') :
		    badge('本月进行中', 'warn') },
		{ label: '公开内容', get: (it) => [
			it.period === now ? h('a', { href: '/', target: '_blank',
			    rel: 'noopener' }, '公示首页') : null,
			it.period === now ? ' · ' : null,
			h('a', { href: '/public/notices/' + it.period,
			    target: '_blank', rel: 'noopener' }, 'JSON'), ' · ',
			h('a', { href: '/public/notices/' + it.period + '.csv' },
			    'CSV')] },
	], rows, {
		rowAttrs: (it) => ({ 'data-period': it.period,
		    'data-published': it.published ? '1' : '0' }),
		empty: '还没有发布过公示',
	});
}

export async function render(main, ctx) {
	const now = month();
	let period = ctx.params.get('period') || now;
	if (!PERIOD.test(period) || period > now)
		period = now;
	const [listed, n] = await Promise.all([
		api('GET', '/public/notices').then((r) => r.items),
		api('GET', '/api/v1/notices/' + period),
	]);
	if (ctx.stale())
		return;
	const picker = select('period', periods(now, listed), period,
	    { id: 'notices-period' });
	picker.addEventListener('change', () =>
		ctx.go('notices', { period: picker.value }));

	clear(main).append(
	    header('公示', h('a', { href: '/', target: '_blank',
		rel: 'noopener', id: 'notices-public' }, '打开公示首页')),
	    section(null,
		h('div', { class: 'row notices-pick' },
		    field('月份', picker),
		    h('div', { class: 'notices-status', id: 'notices-status' },
			statusBadge(n, now))),
		h('p', { class: 'muted' }, n.published_at ?
		    '以下为发布时固定的公示内容。' :
		    '以下为实时数字（员工视图，含今天的记录），生成于 ' +
		    datetime(n.generated_at) + '。')),
	    n.period !== now && !n.published_at && noFigures(n) ?
		h('div', { class: 'notices-warn', id: 'notices-empty-warning',
		    role: 'alert' }, '注意：' + n.period + ' 没有任何收支记录（没有' +
		    '捐赠、采购、领取、支出或报损）。请确认月份是否选对；若确实如此，' +
		    '发布的公示将全为零。') : null,
	    section(period + ' 公示摘要', summary(n)),
	    publishCard(n, now, ctx),
	    section('已发布的公示', h('div', { id: 'notices-published' },
		publishedList(listed, now)),
		h('p', { class: 'muted' }, '公众无需登录即可在 ',
		    h('a', { href: '/', target: '_blank', rel: 'noopener' },
			'公示首页'), ' 查看本月临时数字，在 /public/notices/月份 ' +
		    '查看各月公示。')));
	if (after)
		flash(...after);
	after = null;
}
