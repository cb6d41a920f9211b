// 今日: the first page. What was handed out today and this month, what
// needs doing (stock low or expiring, households to renew, the month's
// grant, last month's notice, offline conflicts). Eight GETs at once,
// nothing more, since
// every manager opens it first (docs/console.md lists them). A manager
// or an administrator resolves an open offline conflict here.
import { h } from '../lib/dom.js';
import { api, listAll, qs } from '../lib/api.js';
import { yuan, num, today, month, addDays, addMonths, datetime } from
	'../lib/fmt.js';
import { header, section, table, errorText, badge, link, form, field,
	input, select, flash } from '../lib/ui.js';

const SHOW = 8; // rows listed per section; the link leads to the rest

// The outcome of a resolve, shown once the page is drawn again (the
// shell rebuilds the flash area on every route).
let after = null;

// p's value, or {error} when it fails: one failing figure does not
// blank the page.
function settle(p) {
	return p.then((v) => ({ v }), (e) => ({ e }));
}

export async function render(main, ctx) {
	const d = today(), m = month(), last = addMonths(m, -1);
	const soon = addDays(d, 14);
	// Low and expiring stock: two filtered lists, not the whole stock.
	const [dists, notice, low, stock, hh, grant, notices, conflicts] =
	    await Promise.all([
		settle(listAll('/api/v1/distributions' + qs({ from: d, to: d }))),
		settle(api('GET', '/api/v1/notices/' + m)),
		settle(listAll('/api/v1/stock?low=true')),
		settle(listAll('/api/v1/stock?expiring_within_days=14')),
		settle(api('GET', '/api/v1/households' + qs({ status: 'active',
		    expiring_within_days: 30, limit: 500 }))),
		settle(api('GET', '/api/v1/grants/monthly')),
		settle(api('GET', '/public/notices')),
		// Goods handed out offline that the server refused: open ones.
		settle(listAll('/api/v1/offline-conflicts')),
	]);

	// A figure: a card that links to the page that deals with it.
	const fig = (id, label, value, page, params, note) =>
	    h('a', { class: 'card figure-card', id: 'today-' + id,
		href: '#/' + page + (params ? '?' + new URLSearchParams(params) : '') },
		h('div', { class: 'figure-label' }, label),
		h('div', { class: 'figure', id: 'today-' + id + '-value' }, value),
		note ? h('div', { class: 'figure-note' }, note) : null);
	const failed = (r) => r.e ? errorText(r.e) : null;

	// Today's distributions, net of voids.
	let dCount = '—', dPoints = '—', dNote = failed(dists);
	if (dists.v) {
		const live = dists.v.filter((x) => !x.voided);
		dCount = num(live.length);
		dPoints = num(live.reduce((s, x) => s + x.points_total, 0));
		const voided = dists.v.length - live.length;
		dNote = voided ? '另有 ' + voided + ' 张已作废' : '不含作废';
	}
	// This month: the staff's live notice of the month.
	let mHouse = '—', mPoints = '—', mGoods = '—', mNote = null;
	if (notice.v) {
		const n = notice.v;
		mHouse = String(n.households_served.households);
		mPoints = num(n.points.redeemed);
		mGoods = num(n.uses.goods_distributed_quantity) + ' 件';
		mNote = '价值 ' + yuan(n.uses.goods_distributed_total_fen);
	}

	const lowItems = low.v || [];
	const expiring = [];
	for (const r of stock.v || [])
		for (const lot of r.lots)
			if (lot.expires_on && lot.expires_on <= soon)
				expiring.push({ r, lot });
	expiring.sort((a, b) => a.lot.expires_on < b.lot.expires_on ? -1 :
	    a.lot.expires_on > b.lot.expires_on ? 1 : 0);
	const houses = hh.v ? hh.v.items.slice().sort((a, b) =>
	    a.valid_to < b.valid_to ? -1 : a.valid_to > b.valid_to ? 1 : 0) : [];
	const housesCount = hh.v ? num(houses.length) + (hh.v.next ? '+' : '') :
	    '—';

	main.append(header('今日 · ' + d),
	    h('div', { class: 'grid today-figures' },
		fig('dist-count', '今日领取（张小票）', dCount, 'distributions',
		    { from: d, to: d }, dNote),
		fig('dist-points', '今日兑换积分', dPoints, 'distributions',
		    { from: d, to: d }),
		fig('month-households', '本月领取户数', mHouse, 'notices',
		    { period: m }, notice.e ? failed(notice) : '同一户只计一次'),
		fig('month-points', '本月兑换积分（扣除作废）', mPoints, 'notices',
		    { period: m }),
		fig('month-goods', '本月发出物资', mGoods, 'notices', { period: m },
		    notice.v ? mNote : null),
		fig('low-count', '低于最低库存的物品', low.v ?
		    num(lowItems.length) : '—', 'stock', { low: '1' }, failed(low)),
		fig('expiring-count', '14 天内到期的批次', stock.v ?
		    num(expiring.length) : '—', 'stock',
		    { expiring_within_days: '14' }, '含已过期'),
		fig('households-count', '30 天内到期的受助家庭', housesCount,
		    'households', { expiring_within_days: '30' }, failed(hh))),
	    h('div', { class: 'today-status' },
		grantLine(grant, m), noticeLine(notices, last),
		conflictLine(conflicts)),
	    h('div', { class: 'today-lists' },
		h('section', { class: 'card conflicts' },
		    h('h2', null, '离线冲突（货已出门，待店长处理）'),
		    conflictList(conflicts.v || [], ctx)),
		section('低库存', list('today-low', lowItems, (r) => [
		    r.name, num(r.on_hand) + ' / ' + num(r.min_stock) + ' ' + r.unit]),
		    more(lowItems.length, 'stock', { low: '1' })),
		section('临期批次（14 天内）', list('today-expiring', expiring,
		    ({ r, lot }) => [r.name + ' · 批次 #' + lot.lot_id,
			[num(lot.on_hand) + ' ' + r.unit + ' · ' + lot.expires_on, ' ',
			    lot.expires_on < d ? badge('已过期', 'bad') : null]]),
		    more(expiring.length, 'stock', { expiring_within_days: '14' })),
		section('即将到期的受助家庭（30 天内）', list('today-households',
		    houses, (x) => [(x.card_code ? x.card_code + ' ' : '') +
			(x.head_name || x.name_masked), '有效期至 ' + x.valid_to]),
		    more(houses.length, 'households',
			{ expiring_within_days: '30' }))));
	if (after)
		flash(...after);
	after = null;
}

// Why the server refused an offline basket, as the till says it.
const REFUSAL = { limit_exceeded: '超过本月限量',
	insufficient_points: '积分不足', priority_only: '仅限优先救助家庭',
	household_inactive: '家庭已暂停或过期', insufficient_stock: '库存不足',
	item_inactive: '物品已停用', not_found: '卡号或物品不存在' };

const RESOLVE = [
	['override', '按原单补记'],
	['write_off', '记为离线损耗'],
];

// The open conflicts; a manager or an administrator resolves each once
// (an auditor reads them only): post the basket as a receipt after all,
// or write its goods off as lost offline. A reason is required.
function conflictList(rows, ctx) {
	const cols = [
		{ label: '', get: (c) => c.local_no + ' · ' + c.household_card },
		{ label: '', get: (c) => (REFUSAL[c.refusal.code] || '其他原因') +
		    '：' + c.lines.map((l) => l.name + ' ×' + l.quantity)
			.join('，') },
	];
	if (ctx.session.role === 'admin' || ctx.session.role === 'manager')
		cols.push({ label: '', get: (c) => resolveForm(c, ctx) });
	return h('div', { id: 'today-conflicts' }, table(cols,
	    rows.slice(0, SHOW), { empty: '无', class: 'today-table',
		rowAttrs: (c) => ({ 'data-id': c.id }) }));
}

function resolveForm(c, ctx) {
	return form({ class: 'conflict-resolve', id: 'conflict-' + c.id }, [
		h('div', { class: 'row' },
		    field('处理方式', select('as', RESOLVE, 'override',
			{ id: 'conflict-' + c.id + '-as' })),
		    field('原因', input('reason', { id: 'conflict-' + c.id +
			'-reason', maxlength: 190 })),
		    h('div', { class: 'field' },
			h('button', { type: 'submit', id: 'conflict-' + c.id +
			    '-resolve' }, '处理'))),
	], async (v) => {
		const reason = v.reason.trim();
		if (reason === '')
			throw new Error('请填写原因');
		if (new TextEncoder().encode(reason).length > 190)
			throw new Error('原因太长（最多 190 字节）');
		const r = (await api('POST', '/api/v1/offline-conflicts/' + c.id +
		    '/resolve', { as: v.as, reason })).resolution;
		after = [c.local_no + (r.as === 'override' ?
		    ' 已按原单补记，小票 ' + r.receipt_no + (r.points_shortfall ?
			'（积分不足 ' + num(r.points_shortfall) + ' 分）' : '') :
		    ' 已记为离线损耗' + (r.unmatched ? '（' + num(r.unmatched) +
			' 件无批次可扣）' : '')), 'ok'];
		ctx.reload();
	});
}

// Offline conflicts: goods that left while the till was cut off, which
// a manager resolves (POST /api/v1/offline-conflicts/{id}/resolve).
function conflictLine(conflicts) {
	let text, kind = '';
	if (conflicts.e)
		text = '离线冲突：—';
	else if (conflicts.v.length === 0) {
		text = '没有待处理的离线冲突';
		kind = 'ok';
	} else {
		text = conflicts.v.length + ' 笔离线冲突待店长处理（货已出门）';
		kind = 'warn';
	}
	return h('p', { id: 'today-conflicts-line', class: 'today-line' },
	    badge(kind === 'ok' ? '已完成' : kind === 'warn' ? '待办' : '—', kind),
	    ' ', text);
}

// This month's grant: ran or not, by whom.
function grantLine(grant, m) {
	let text, kind;
	if (grant.e) {
		text = '本月积分发放情况：—';
		kind = '';
	} else if (grant.v.ran) {
		text = m + ' 月度积分已发放（' + datetime(grant.v.ran_at) + '，' +
		    (grant.v.ran_by === 'system' ? '自动' : grant.v.ran_by) + '）：' +
		    num(grant.v.households) + ' 户，' + num(grant.v.points) + ' 分';
		kind = 'ok';
	} else {
		text = m + ' 月度积分尚未发放';
		kind = 'warn';
	}
	return h('p', { id: 'today-grant', class: 'today-line' },
	    badge(kind === 'ok' ? '已完成' : kind === 'warn' ? '待办' : '—', kind),
	    ' ', link(text, 'grants'));
}

// Last month's notice: published or not.
function noticeLine(notices, last) {
	let text, kind = '';
	if (notices.e) {
		text = last + ' 公示：—';
	} else {
		const n = notices.v.items.find((x) => x.period === last);
		if (!n)
			text = last + ' 没有需要公示的数据';
		else if (n.published) {
			text = last + ' 公示已发布';
			kind = 'ok';
		} else {
			text = last + ' 公示尚未发布';
			kind = 'warn';
		}
	}
	return h('p', { id: 'today-notice', class: 'today-line' },
	    badge(kind === 'ok' ? '已完成' : kind === 'warn' ? '待办' : '—', kind),
	    ' ', link(text, 'notices', { period: last }));
}

function list(id, rows, get) {
	return h('div', { id }, table([
		{ label: '', get: (r) => get(r)[0] },
		{ label: '', get: (r) => get(r)[1] },
	], rows.slice(0, SHOW), { empty: '无', class: 'today-table' }));
}

function more(n, page, params) {
	return n > SHOW ? h('p', null, link('查看全部 ' + n + ' 项', page, params)) :
	    null;
}
