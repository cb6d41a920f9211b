// Distributions: the receipts of the tills, found by day, till, household
// or receipt number; one opened with its lines and points; a void with a
// reason (stock and points go back, by new rows).
import { h } from '../lib/dom.js';
import { api, qs, ApiError } from '../lib/api.js';
import { num, yuan, datetime, today } from '../lib/fmt.js';
import { header, section, table, pagedTable, field, input, form, confirm,
	flash, badge, link } from '../lib/ui.js';

const RECEIPT_RE = /^([A-Za-z0-9_-]{1,32})-(\d{1,12})$/;
const TILL_RE = /^[A-Za-z0-9_-]{1,32}$/;

export async function render(main, ctx) {
	if (ctx.params.get('id'))
		return renderOne(main, ctx, ctx.params.get('id'));
	return renderList(main, ctx);
}

function voidBadge(d) {
	return d.voided ? badge('已作废', 'bad') : badge('有效', 'ok');
}

async function renderList(main, ctx) {
	const p = ctx.params;
	const cur = {
		from: p.get('from') || '',
		to: p.get('to') || '',
		till_id: p.get('till_id') || '',
		household_id: p.get('household_id') || '',
		receipt_no: p.get('receipt_no') || '',
	};
	if (!p.toString())
		cur.from = cur.to = today();
	main.append(header('领取记录'));

	const receipt = input('receipt_no', { id: 'distributions-receipt',
	    value: cur.receipt_no, maxlength: 42, placeholder: '如 T01-000123',
	    autofocus: true });
	const card = input('card', { id: 'distributions-card', maxlength: 32,
	    placeholder: '刷卡或输入卡号' });
	const f = form({ id: 'distributions-filter' }, [
		h('div', { class: 'row' },
		    field('小票号', receipt),
		    field('从', input('from', { id: 'distributions-from', type: 'date',
			value: cur.from })),
		    field('到', input('to', { id: 'distributions-to', type: 'date',
			value: cur.to })),
		    field('收银台', input('till_id', { id: 'distributions-till',
			value: cur.till_id, maxlength: 32, size: 8 })),
		    field('家庭卡号', card),
		    h('button', { type: 'submit', id: 'distributions-search' }, '查找'),
		    h('button', { type: 'button', id: 'distributions-clear',
			onclick: () => ctx.go('distributions', { all: '1' }) },
			'全部')),
		cur.household_id ? h('p', { class: 'muted' }, '只看家庭 #' +
		    cur.household_id + ' ', link('（取消）', 'distributions',
		    Object.assign({}, cur, { household_id: '' }))) : null,
	], async (v) => {
		const np = { from: v.from, to: v.to, till_id: v.till_id.trim(),
			receipt_no: v.receipt_no.trim(),
			household_id: cur.household_id };
		if (np.receipt_no) {
			// T01-123 is T01-000123: receipts number six digits or more.
			const m = RECEIPT_RE.exec(np.receipt_no);
			if (!m)
				throw new Error('小票号的格式是 收银台-序号，如 T01-000123');
			np.receipt_no = m[1] + '-' + m[2].padStart(6, '0');
		}
		if (np.till_id && !TILL_RE.test(np.till_id))
			throw new Error('收银台编号只有字母、数字、- 和 _');
		if (np.from && np.to && np.from > np.to)
			throw new Error('开始日期晚于结束日期');
		if (np.receipt_no) {
			// A receipt number names one receipt, whatever the day.
			np.from = np.to = '';
		}
		const c = v.card.trim();
		if (c) {
			try {
				const hh = await api('GET', '/api/v1/households/by-card/' +
				    encodeURIComponent(c));
				np.household_id = String(hh.id);
			} catch (e) {
				if (e instanceof ApiError && e.status === 404)
					throw new Error('没有这张卡');
				throw e;
			}
		}
		for (const k of Object.keys(np))
			if (!np[k])
				delete np[k];
		np.all = '1';
		ctx.go('distributions', np);
	});
	main.append(section(null, f));

	const filters = Object.assign({}, cur);
	const cols = [
		{ label: '小票号', get: (d) => link(d.receipt_no, 'distributions',
		    { id: d.id }) },
		{ label: '时间', get: (d) => datetime(d.created_at) },
		{ label: '收银台', get: (d) => d.till_id },
		{ label: '家庭', get: (d) => link('#' + d.household_id, 'households',
		    { id: d.household_id }) },
		{ label: '积分', num: true, get: (d) => num(d.points_total) },
		{ label: '状态', get: voidBadge },
	];
	main.append(section(cur.receipt_no ? '小票 ' + cur.receipt_no :
	    (cur.from || cur.to ? (cur.from || '…') + ' 至 ' + (cur.to || '…') :
		'全部记录'),
	h('div', { id: 'distributions-list' }, await pagedTable(
	    '/api/v1/distributions' + qs(filters), cols,
	    { empty: '没有符合条件的领取记录',
		rowAttrs: (d) => ({ 'data-receipt': d.receipt_no,
		    class: d.voided ? 'distributions-voided' : null }) }))));
}

async function renderOne(main, ctx, id) {
	const d = await api('GET', '/api/v1/distributions/' +
	    encodeURIComponent(id));
	let hh = null;
	try {
		hh = await api('GET', '/api/v1/households/' + d.household_id);
	} catch (e) {
		hh = null;
	}
	if (ctx.stale())
		return;
	main.append(header('小票 ' + d.receipt_no, link('返回列表',
	    'distributions')));
	const total = d.lines.reduce((s, l) => s + (l.value_fen || 0), 0);
	main.append(section(null, h('dl', { class: 'households-facts',
	    id: 'distributions-detail' },
		h('dt', null, '小票号'), h('dd', null, d.receipt_no),
		h('dt', null, '时间'), h('dd', null, datetime(d.created_at)),
		h('dt', null, '收银台'), h('dd', null, d.till_id),
		h('dt', null, '家庭'), h('dd', null, link('#' + d.household_id +
		    (hh ? ' ' + hh.name_masked : ''), 'households',
		{ id: d.household_id })),
		h('dt', null, '月份'), h('dd', null, d.period),
		h('dt', null, '积分'), h('dd', { id: 'distributions-points' },
		    num(d.points_total)),
		h('dt', null, '领取后余额'), h('dd', null, num(d.points_balance)),
		h('dt', null, '状态'), h('dd', { id: 'distributions-state' },
		    voidBadge(d)))));
	main.append(section('物品', table([
		{ label: '物品', get: (l) => l.name },
		{ label: '数量', num: true, get: (l) => num(l.quantity) },
		{ label: '积分', num: true, get: (l) => num(l.points) },
		{ label: '价值', num: true, get: (l) => yuan(l.value_fen) },
	], d.lines), h('p', { class: 'muted' }, '物品价值合计 ' + yuan(total))));

	if (!ctx.canWrite || d.voided)
		return;
	main.append(section('作废', h('p', null, '作废后，物品退回库存，积分退回' +
	    '家庭，本月已领数量相应减少。作废不能撤销。'), form({
		id: 'distributions-void-form' }, [
	    h('div', { class: 'row' },
		field('原因', input('reason', { id: 'distributions-void-reason',
		    maxlength: 60, size: 30 })),
		h('button', { type: 'submit', class: 'danger',
		    id: 'distributions-void' }, '作废'))],
	async (v, f) => {
		const reason = v.reason.trim();
		if (!reason)
			throw new Error('请填写作废原因');
		if (!await confirm('确认作废小票 ' + d.receipt_no + '？物品退回库存，' +
		    num(d.points_total) + ' 积分退回家庭。', '作废'))
			return;
		try {
			await api('POST', '/api/v1/distributions/' + d.id + '/void',
			    { client_id: f.clientId, reason });
		} catch (e) {
			if (e.code === 'conflict')
				throw new Error('这张小票已经作废过了');
			throw e;
		}
		f.renew();
		ctx.reload();
		flash('小票 ' + d.receipt_no + ' 已作废');
	})));
}
