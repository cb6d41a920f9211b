// Reports: the civil-affairs statistics of a quarter or a year (every
// figure from the ledger; definitions in docs/reports.md), to read and to
// print; and the donors' ranking of a year, where a manager records
// which organisations agreed to be named in public.
import { h } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { yuan, num, month } from '../lib/fmt.js';
import { header, section, table, field, input, form, flash } from
	'../lib/ui.js';
import { hours } from './volunteers.js';

const PERIOD_RE = /^\d{4}(-Q[1-4])?$/;
const ORGS = ['enterprise', 'social_org', 'government'];

function thisQuarter() {
	const m = month();
	return m.slice(0, 4) + '-Q' + (Math.floor((Number(m.slice(5)) - 1) / 3)
	    + 1);
}

export async function render(main, ctx) {
	const period = ctx.params.get('period') || thisQuarter();
	if (!PERIOD_RE.test(period))
		throw new Error('报告期应写作 2026-Q4 或 2026');
	const rep = await api('GET', '/api/v1/reports/civil-affairs?period=' +
	    encodeURIComponent(period));
	const year = period.slice(0, 4);
	const rank = ctx.canWrite ? await api('GET',
	    '/api/v1/donors/ranking?year=' + year) : null;
	if (ctx.stale())
		return;
	main.append(header('统计报表（报送民政）',
	    h('button', { type: 'button', id: 'reports-print',
		onclick: () => window.print() }, '打印')));
	main.append(section(null, periodForm(ctx, period),
	    h('p', { class: 'muted', id: 'reports-span' }, rep.period + '：' +
		rep.from + ' 至 ' + rep.to)));
	main.append(servedSection(rep.served));
	main.append(section('物资与资金', h('div', { id: 'reports-money' },
	    moneyTable('发放物资（按类别）', rep.goods_distributed.by_category,
		'数量', 'quantity', 'value_fen', rep.goods_distributed),
	    moneyTable('实物捐赠（按捐赠方）', rep.goods_donated.by_donor_kind,
		'笔数', 'donations', 'value_fen', rep.goods_donated),
	    moneyTable('现金捐赠（按资金来源）', rep.cash_raised.by_fund_kind,
		'笔数', 'donations', 'amount_fen', rep.cash_raised),
	    moneyTable('现金捐赠（按捐赠方）', rep.cash_raised.by_donor_kind,
		'笔数', 'donations', 'amount_fen', rep.cash_raised),
	    moneyTable('资金支出（按资金来源）', rep.cash_spent.by_fund_kind,
		'笔数', 'expenses', 'amount_fen', rep.cash_spent))));
	if (rep.sales)
		main.append(salesSection(rep.sales, rep.operating));
	main.append(section('志愿服务', h('p', { id: 'reports-volunteers' },
	    '志愿者 ' + num(rep.volunteers.persons) + ' 人，服务 ' +
	    num(rep.volunteers.shifts) + ' 次，共 ' +
	    hours(rep.volunteers.minutes))));
	if (rank)
		main.append(rankSection(ctx, year, rank.items));
}

function periodForm(ctx, period) {
	return form({ id: 'reports-period-form', class: 'row' }, [
		field('报告期', input('period', { id: 'reports-period',
		    value: period, maxlength: 7, size: 8 }),
		    '季度如 2026-Q4，全年如 2026'),
		h('div', null, h('button', { type: 'submit',
		    id: 'reports-period-submit' }, '查看')),
	], async (v) => {
		const p = v.period.trim().toUpperCase();
		if (!PERIOD_RE.test(p))
			throw new Error('报告期应写作 2026-Q4 或 2026');
		ctx.go('reports', { period: p });
	});
}

function servedSection(s) {
	const total = { label: '合计', households: s.households,
		persons: s.persons, visits: s.visits,
		person_visits: s.person_visits };
	return section('服务对象', h('div', { id: 'reports-served' }, table([
		{ label: '类别', get: (r) => r.label },
		{ label: '户数', num: true, get: (r) => num(r.households) },
		{ label: '人数', num: true, get: (r) => num(r.persons) },
		{ label: '户次', num: true, get: (r) => num(r.visits) },
		{ label: '人次', num: true, get: (r) => num(r.person_visits) },
	], s.by_category.concat([total]), {
		rowAttrs: (r) => ({ 'data-category': r.category || 'total' }) })));
}

function moneyTable(title, rows, nLabel, nKey, amountKey, total) {
	return h('div', null, h('h3', null, title), table([
		{ label: '项目', get: (r) => r.label },
		{ label: nLabel, num: true, get: (r) => num(r[nKey]) },
		{ label: '金额', num: true, get: (r) => yuan(r[amountKey]) },
	], rows.concat([Object.assign({ label: '合计' }, {
		[nKey]: total[nKey], [amountKey]: total[amountKey] })])));
}

function salesSection(sa, op) {
	const rows = [
		{ label: '销售 ' + num(sa.count) + ' 笔', fen: sa.gross_fen },
		{ label: '退款 ' + num(sa.refunds) + ' 笔', fen: sa.refunded_fen },
		{ label: '义卖净收入', fen: sa.net_fen },
		{ label: '经营资金期初', fen: op.opening_fen },
		...op.income.map((a) => ({ label: '收入：' + a.name,
		    fen: a.amount_fen })),
		...op.costs.map((a) => ({ label: '支出：' + a.name,
		    fen: a.amount_fen })),
		{ label: '与捐赠资金间划转（净额）', fen: op.transfers_fen },
		{ label: '经营资金期末', fen: op.closing_fen },
	];
	return section('慈善义卖收入及使用', h('div', { id: 'reports-sales' },
	    table([
		{ label: '项目', get: (r) => r.label },
		{ label: '金额', num: true, get: (r) => yuan(r.fen) },
	    ], rows)));
}

// The ranking, and each organisation's consent to be named in public.
function rankSection(ctx, year, items) {
	return section(year + '年捐赠方排名（仅供本店使用）',
	    h('div', { id: 'reports-ranking' }, table([
		{ label: '名次', num: true, get: (r) => String(r.rank) },
		{ label: '捐赠方', get: (r) => r.name },
		{ label: '类别', get: (r) => r.label },
		{ label: '现金', num: true, get: (r) => yuan(r.cash_fen) },
		{ label: '物资价值', num: true,
		    get: (r) => yuan(r.goods_value_fen) },
		{ label: '合计', num: true, get: (r) => yuan(r.total_fen) },
		{ label: '公开名称', get: (r) => !ORGS.includes(r.kind) ?
		    '不公开（个人）' : h('button', { type: 'button',
			class: 'reports-consent', 'data-donor': r.donor_id,
			onclick: (ev) => consent(ctx, r, ev.target) },
			r.consent_public ? '已同意公开，撤回' : '记录同意公开') },
	    ], items, { empty: '这一年还没有捐赠',
		rowAttrs: (r) => ({ 'data-donor': r.donor_id }) })),
	    h('p', { class: 'muted' }, '只有同意公开的企业、社会组织和政府单位' +
		'出现在公开的爱心单位名单（', h('a', { href: '/participation?year=' +
		year, target: '_blank', rel: 'noopener' }, '/participation'),
		'）。'));
}

async function consent(ctx, r, button) {
	button.disabled = true;
	try {
		await api('PATCH', '/api/v1/donors/' + r.donor_id,
		    { consent_public: !r.consent_public });
		ctx.reload();
		flash(r.name + (r.consent_public ? ' 已撤回公开' : ' 已同意公开'));
	} catch (e) {
		button.disabled = false;
		flash(e.message, 'error');
	}
}
