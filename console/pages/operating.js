// 义卖与经营 (收支两条线): the operating line apart from the funds. Its
// accounts and balance, a month's statement and its charity sales, a cost
// or other income (managers), a transfer with a fund proposed with its
// reason (managers) and confirmed by an administrator who did not
// propose it. Money is integer fen; yuan are read as text.
import { h } from '../lib/dom.js';
import { api, listAll, qs } from '../lib/api.js';
import { yuan, parseYuan, datetime, month } from '../lib/fmt.js';
import { header, section, table, field, input, select, form, confirm,
	flash, badge } from '../lib/ui.js';

const ENTRY_ACCOUNTS = [
	['service_fees', '服务收费（收入）'],
	['other_income', '其他收入'],
	['rent', '房租（支出）'],
	['wages', '工资（支出）'],
	['utilities', '水电（支出）'],
	['other_cost', '其他支出'],
];
const DIRECTION = {
	to_fund: '经营账户 → 基金',
	from_fund: '基金 → 经营账户',
};
const FEN_MAX = 10000000000;

export async function render(main, ctx) {
	const period = /^\d{4}-\d{2}$/.test(ctx.params.get('period') || '') ?
	    ctx.params.get('period') : month();
	const accounts = await api('GET', '/api/v1/operating/accounts');
	const st = await api('GET', '/api/v1/operating/statement' +
	    qs({ period }));
	const transfers = await listAll('/api/v1/operating/transfers');
	const sales = await listAll('/api/v1/sales' + qs({ period }));
	const funds = ctx.canWrite ? await listAll('/api/v1/funds') : [];
	if (ctx.stale())
		return;
	main.append(header('义卖与经营'));
	main.append(section(null, h('div', { class: 'grid' },
	    h('div', null, h('div', { class: 'figure', id: 'op-balance' },
		yuan(accounts.balance_fen)),
		h('div', { class: 'figure-label' }, '经营账户余额')),
	    h('div', null, h('div', { class: 'figure', id: 'op-sales' },
		yuan(st.sales.net_fen)),
		h('div', { class: 'figure-label' }, period + ' 义卖收入'))),
	    h('p', { class: 'muted' }, '义卖收入只进经营账户，捐赠资金只进基金；' +
		'两者之间的划转须店长提出、另一位管理员确认，并在公示中列明理由。')));
	main.append(statement(ctx, st, period));
	if (ctx.canWrite)
		main.append(entryForm(ctx), transferForm(ctx, funds));
	main.append(transferList(ctx, transfers));
	main.append(section('本月义卖', table([
		{ label: '小票号', get: (s) => s.receipt_no },
		{ label: '时间', get: (s) => datetime(s.created_at) },
		{ label: '付款', get: (s) => s.payment.method === 'qr' ?
		    '扫码 ' + (s.payment.reference || '') : '现金' },
		{ label: '金额', num: true, get: (s) => yuan(s.total_fen) },
		{ label: '', get: (s) => s.refunded ? badge('已退款', 'warn') : '' },
	], sales, { empty: '本月还没有义卖' })));
	const open = sales.filter((s) => !s.refunded);
	if (ctx.canWrite && open.length > 0)
		main.append(refundForm(ctx, open));
}

// A whole sale refunded, with its reason: the goods go back to their lots
// and the income out of the operating line, by new rows.
function refundForm(ctx, open) {
	const f = form({ id: 'op-refund-form' }, [
	    h('div', { class: 'row' },
		field('小票', select('sale', open.map((s) => [String(s.id),
		    s.receipt_no + '  ' + yuan(s.total_fen)]), String(open[0].id),
		    { id: 'op-refund-sale' })),
		field('退款原因', input('reason', { id: 'op-refund-reason',
		    maxlength: 190, size: 30 })),
		h('div', null, h('button', { type: 'submit', class: 'danger',
		    id: 'op-refund-submit' }, '退款')))],
	async (v, fm) => {
		const s = open.find((x) => String(x.id) === v.sale);
		const reason = v.reason.trim();
		if (!s)
			throw new Error('请选择小票');
		if (!reason)
			throw new Error('请填写退款原因');
		if (!await confirm('确认退款小票 ' + s.receipt_no + '（' +
		    yuan(s.total_fen) + '）？物品退回库存，收入从经营账户退出。',
		    '退款'))
			return;
		try {
			await api('POST', '/api/v1/sales/' + s.id + '/refund',
			    { client_id: fm.clientId, reason });
		} catch (e) {
			if (e.code === 'conflict')
				throw new Error('这张小票已经退过款了');
			throw e;
		}
		fm.renew();
		flash('小票 ' + s.receipt_no + ' 已退款');
		ctx.reload();
	});
	return section('义卖退款', f);
}

function statement(ctx, st, period) {
	const rows = [['期初余额', st.opening_fen]]
	    .concat(st.income.map((a) => [a.name, a.amount_fen]))
	    .concat([['收入合计', st.income_total_fen]])
	    .concat(st.costs.map((a) => [a.name, -a.amount_fen]))
	    .concat([['支出合计', -st.cost_total_fen],
		['与基金之间的划转（净额）', st.transfers_fen],
		['期末余额', st.closing_fen]]);
	const pick = input('period', { id: 'op-period', type: 'month',
	    value: period });
	pick.addEventListener('change', () => {
		if (/^\d{4}-\d{2}$/.test(pick.value))
			ctx.go('operating', { period: pick.value });
	});
	return section('月度收支表', field('月份', pick),
	    h('div', { id: 'op-statement' }, table([
		{ label: '项目', get: (r) => r[0] },
		{ label: '金额', num: true, get: (r) => yuan(r[1]) },
	    ], rows)));
}

function amountFen(text) {
	const fen = parseYuan(text);
	if (fen === null || fen < 1 || fen > FEN_MAX)
		throw new Error('请填写金额（元），如 120.50');
	return fen;
}

function entryForm(ctx) {
	const f = form({ id: 'op-entry-form' }, [
		h('div', { class: 'row' },
		    field('账目', select('account', ENTRY_ACCOUNTS, 'rent',
			{ id: 'op-entry-account' })),
		    field('金额（元）', input('amount', { id: 'op-entry-amount',
			inputmode: 'decimal', size: 12 })),
		    field('摘要', input('note', { id: 'op-entry-note',
			maxlength: 100, size: 30 }))),
		h('div', null, h('button', { type: 'submit',
		    id: 'op-entry-submit' }, '记账')),
	], async (v, fm) => {
		const body = { client_id: fm.clientId, account: v.account,
			amount_fen: amountFen(v.amount) };
		if (v.note.trim())
			body.note = v.note.trim();
		await api('POST', '/api/v1/operating/entries', body);
		fm.renew();
		flash('已记账');
		ctx.reload();
	});
	return section('记一笔经营收支', f);
}

function transferForm(ctx, funds) {
	const f = form({ id: 'op-transfer-form' }, [
		h('div', { class: 'row' },
		    field('方向', select('direction', Object.entries(DIRECTION),
			'to_fund', { id: 'op-transfer-direction' })),
		    field('基金', select('fund', funds.map((x) =>
			[String(x.id), x.name]), funds.length ?
			String(funds[0].id) : '', { id: 'op-transfer-fund' })),
		    field('金额（元）', input('amount', {
			id: 'op-transfer-amount', inputmode: 'decimal',
			size: 12 }))),
		field('理由', input('reason', { id: 'op-transfer-reason',
		    maxlength: 200, size: 60 }), '将在公示中列出'),
		h('div', null, h('button', { type: 'submit',
		    id: 'op-transfer-submit' }, '提出划转')),
	], async (v, fm) => {
		if (!v.reason.trim())
			throw new Error('请填写理由');
		if (!v.fund)
			throw new Error('请选择基金');
		await api('POST', '/api/v1/operating/transfers', {
			client_id: fm.clientId, direction: v.direction,
			fund_id: Number(v.fund), amount_fen: amountFen(v.amount),
			reason: v.reason.trim() });
		fm.renew();
		flash('已提出，等待管理员确认');
		ctx.reload();
	});
	return section('提出两条线之间的划转', f);
}

function transferList(ctx, transfers) {
	const admin = ctx.session.role === 'admin';
	return section('划转记录', h('div', { id: 'op-transfers' }, table([
		{ label: '提出时间', get: (t) => datetime(t.proposed_at) },
		{ label: '方向', get: (t) => DIRECTION[t.direction] || t.direction },
		{ label: '基金', get: (t) => t.fund_name },
		{ label: '理由', get: (t) => t.reason },
		{ label: '金额', num: true, get: (t) => yuan(t.amount_fen) },
		{ label: '状态', get: (t) => t.status === 'confirmed' ?
		    badge('已确认', 'ok') : admin ? h('button', {
			type: 'button', class: 'primary',
			id: 'op-confirm-' + t.id,
			onclick: () => confirmTransfer(ctx, t) }, '确认') :
		    badge('待确认', 'warn') },
	], transfers.slice().reverse(), { empty: '没有划转',
		rowAttrs: (t) => ({ 'data-transfer': t.id }) })));
}

async function confirmTransfer(ctx, t) {
	if (!await confirm('确认划转 ' + yuan(t.amount_fen) + '（' +
	    (DIRECTION[t.direction] || t.direction) + '，' + t.fund_name +
	    '）？理由：' + t.reason, '确认划转'))
		return;
	try {
		await api('POST', '/api/v1/operating/transfers/' + t.id +
		    '/confirm');
	} catch (e) {
		flash(e.code === 'own_proposal' ? '不能确认自己提出的划转' :
		    e.message || String(e), 'error');
		return;
	}
	flash('已确认');
	ctx.reload();
}
