// Funds: the list with balances, a new fund, a fund's statement (every
// entry with the balance after it) and an expense, which may buy goods
// into stock (each line becomes a lot whose source is the purchase).
import { h, clear } from '../lib/dom.js';
import { api, listAll } from '../lib/api.js';
import { yuan, parseYuan, num, parseInt10, datetime, today } from
	'../lib/fmt.js';
import { header, section, table, field, input, select, checkbox, form,
	confirm, flash, badge, link } from '../lib/ui.js';

const KIND_LABEL = {
	donations: '社会捐款',
	government_purchase: '政府购买服务',
	lottery: '福彩公益金',
	community_foundation: '社区基金会',
};
const ENTRY_LABEL = {
	cash_donation: '现金捐赠',
	expense: '支出',
};
const FEN_MAX = 10000000000;

export async function render(main, ctx) {
	if (ctx.params.get('id'))
		return renderOne(main, ctx, ctx.params.get('id'));
	return renderList(main, ctx);
}

function kindText(f) {
	return KIND_LABEL[f.kind] || f.kind;
}

async function renderList(main, ctx) {
	const funds = await listAll('/api/v1/funds');
	if (ctx.stale())
		return;
	main.append(header('基金'));
	const total = funds.reduce((s, f) => s + f.balance_fen, 0);
	main.append(section(null, table([
		{ label: '名称', get: (f) => link(f.name, 'funds', { id: f.id }) },
		{ label: '来源', get: kindText },
		{ label: '用途', get: (f) => f.restricted ? h('span', null,
		    badge('定向', 'warn'), ' ' + (f.purpose || '')) : '不限' },
		{ label: '余额', num: true, get: (f) => yuan(f.balance_fen) },
	], funds, { empty: '还没有基金', rowAttrs: (f) => ({ 'data-fund': f.id }) }),
	h('p', { class: 'muted', id: 'funds-total' }, '合计余额 ' + yuan(total))));
	if (ctx.canWrite)
		main.append(createForm(ctx));
}

function createForm(ctx) {
	const purpose = input('purpose', { id: 'funds-new-purpose',
	    maxlength: 100 });
	const restricted = checkbox('restricted', '定向基金（只能用于下面的用途）',
	    false);
	restricted.querySelector('input').id = 'funds-new-restricted';
	const f = form({ id: 'funds-new-form' }, [
		h('div', { class: 'row' },
		    field('名称', input('name', { id: 'funds-new-name',
			maxlength: 100, size: 24 })),
		    field('来源', select('kind', Object.entries(KIND_LABEL),
			'donations', { id: 'funds-new-kind' })),
		    field('用途', purpose, '定向基金必填，支出用途须与之一致')),
		restricted,
		h('div', null, h('button', { type: 'submit', id: 'funds-new-submit' },
		    '新建基金')),
	], async (v) => {
		if (!v.name.trim())
			throw new Error('请填写名称');
		if (v.restricted && !v.purpose.trim())
			throw new Error('定向基金须填写用途');
		const body = { name: v.name.trim(), kind: v.kind,
			restricted: v.restricted };
		if (v.purpose.trim())
			body.purpose = v.purpose.trim();
		let fu;
		try {
			fu = await api('POST', '/api/v1/funds', body);
		} catch (e) {
			if (e.code === 'conflict')
				throw new Error('已有同名基金：' + body.name);
			throw e;
		}
		ctx.go('funds', { id: fu.id });
	});
	return section('新建基金', f);
}

// ---- one fund -----------------------------------------------------------------------

async function renderOne(main, ctx, id) {
	const path = '/api/v1/funds/' + encodeURIComponent(id);
	const fu = await api('GET', path);
	const entries = await listAll(path + '/entries');
	if (ctx.stale())
		return;
	main.append(header(fu.name, link('返回基金列表', 'funds')));
	main.append(section(null, h('div', { class: 'grid' },
	    h('div', null, h('div', { class: 'figure', id: 'funds-balance' },
		yuan(fu.balance_fen)), h('div', { class: 'figure-label' }, '余额')),
	    h('div', null, h('div', { class: 'figure' }, kindText(fu)),
		h('div', { class: 'figure-label' }, '来源')),
	    h('div', null, h('div', { class: 'figure' }, fu.restricted ?
		fu.purpose || '定向' : '不限'),
		h('div', { class: 'figure-label' }, fu.restricted ?
		    '定向用途' : '用途')))));
	if (ctx.canWrite)
		main.append(await expenseForm(ctx, fu));
	main.append(section('收支明细', h('div', { id: 'funds-statement' },
	    table([
		{ label: '时间', get: (e) => datetime(e.at) },
		{ label: '日期', get: (e) => e.date || '' },
		{ label: '类型', get: (e) => ENTRY_LABEL[e.kind] || e.kind },
		{ label: '摘要', get: (e) => [e.description || '',
		    e.receipt_code ? '（' + e.receipt_code + '）' : ''] },
		{ label: '收入', num: true, get: (e) => e.amount_fen > 0 ?
		    yuan(e.amount_fen) : '' },
		{ label: '支出', num: true, get: (e) => e.amount_fen < 0 ?
		    yuan(-e.amount_fen) : '' },
		{ label: '余额', num: true, get: (e) => h('span',
		    { class: 'funds-running' }, yuan(e.balance_fen)) },
	], entries, { empty: '暂无收支' }))));
}

// An expense: its purpose, the day, and optionally lines of goods bought
// (item, quantity, unit cost in yuan, expiry). The amount is the lines'
// total unless typed; yuan are read as text into fen, never as floats.
async function expenseForm(ctx, fu) {
	const items = await listAll('/api/v1/items?active=true');
	const byId = new Map(items.map((i) => [String(i.id), i]));
	const itemOpts = [['', '选择物品…']].concat(items.map((i) =>
	    [String(i.id), i.name + (i.unit ? '（' + i.unit + '）' : '')]));
	const lines = h('tbody', { id: 'funds-exp-lines' });
	const totalEl = h('span', { id: 'funds-exp-total' }, yuan(0));
	const amount = input('amount', { id: 'funds-exp-amount',
	    inputmode: 'decimal', size: 12, placeholder: '按明细合计' });
	let n = 0;

	// Each line's fen, or null when it is not complete or not right.
	function lineFen(tr) {
		const q = parseInt10(tr.querySelector('.qty').value, 1, 1000000);
		const c = parseYuan(tr.querySelector('.cost').value);
		if (q === null || c === null)
			return null;
		const v = q * c;
		return Number.isSafeInteger(v) ? v : null;
	}
	function recount() {
		let t = 0;
		for (const tr of lines.children) {
			const v = lineFen(tr);
			if (v !== null)
				t += v;
		}
		clear(totalEl).append(yuan(t));
		return t;
	}
	function addLine() {
		const i = n++;
		const tr = h('tr', { class: 'funds-exp-line' },
		    h('td', null, select('item', itemOpts, '',
			{ id: 'funds-exp-item-' + i, class: 'item' })),
		    h('td', null, input('qty', { id: 'funds-exp-qty-' + i,
			class: 'qty', inputmode: 'numeric', size: 6 })),
		    h('td', null, input('cost', { id: 'funds-exp-cost-' + i,
			class: 'cost', inputmode: 'decimal', size: 8,
			placeholder: '0.00' })),
		    h('td', null, input('expires', { id: 'funds-exp-expires-' + i,
			class: 'expires', type: 'date' })),
		    h('td', null, h('button', { type: 'button', class: 'remove',
			title: '删除此行', onclick: () => { tr.remove(); recount(); } },
			'删除')));
		tr.addEventListener('input', recount);
		// An item chosen: its unit value as the cost, until one is typed.
		tr.querySelector('.item').addEventListener('change', (ev) => {
			const it = byId.get(ev.target.value);
			const cost = tr.querySelector('.cost');
			if (it && cost.value.trim() === '') {
				cost.value = yuan(it.unit_value_fen).replace(/^¥/, '');
				recount();
			}
		});
		lines.append(tr);
	}
	addLine();

	const f = form({ id: 'funds-exp-form' }, [
		h('div', { class: 'row' },
		    field('用途', input('purpose', { id: 'funds-exp-purpose',
			maxlength: 100, size: 24, value: fu.restricted ?
			    fu.purpose || '' : '' }),
			fu.restricted ? '定向基金只能用于：' + (fu.purpose || '') : null),
		    field('支出日期', input('spent_on', { id: 'funds-exp-date',
			type: 'date', value: today(), max: today() }))),
		h('h3', null, '购入物品（入库；只记金额可不填）'),
		h('div', { class: 'table-wrap' }, h('table', { class: 'funds-exp' },
		    h('thead', null, h('tr', null, h('th', null, '物品'),
			h('th', null, '数量'), h('th', null, '单价（元）'),
			h('th', null, '保质期至（可不填）'), h('th', null, ''))),
		    lines)),
		h('div', { class: 'row' },
		    h('button', { type: 'button', id: 'funds-exp-add',
			onclick: addLine }, '添加一行'),
		    h('span', null, '明细合计 ', totalEl)),
		h('div', { class: 'row' },
		    field('支出金额（元）', amount, '不填则按明细合计')),
		h('button', { type: 'submit', id: 'funds-exp-submit' }, '记录支出'),
	], async (v, fm) => {
		const purpose = v.purpose.trim();
		if (!purpose)
			throw new Error('请填写用途');
		if (!v.spent_on)
			throw new Error('请填写支出日期');
		const body = { client_id: fm.clientId, amount_fen: 0, purpose,
			spent_on: v.spent_on };
		const out = [];
		let k = 0;
		for (const tr of lines.children) {
			k++;
			const item = tr.querySelector('.item').value;
			const qt = tr.querySelector('.qty').value.trim();
			const ct = tr.querySelector('.cost').value.trim();
			const ex = tr.querySelector('.expires').value;
			if (!item && !qt && !ct)
				continue;
			if (!item)
				throw new Error('第 ' + k + ' 行：请选择物品');
			const q = parseInt10(qt, 1, 1000000);
			if (q === null)
				throw new Error('第 ' + k + ' 行：数量应为 1 至 1,000,000 的整数');
			const c = parseYuan(ct);
			if (c === null)
				throw new Error('第 ' + k + ' 行：单价应为金额，如 12.50');
			const line = { item_id: Number(item), quantity: q,
				unit_value_fen: c };
			if (ex)
				line.expires_on = ex;
			out.push(line);
		}
		const sum = recount();
		let fen;
		if (amount.value.trim()) {
			fen = parseYuan(amount.value);
			if (fen === null)
				throw new Error('支出金额应为金额，如 1,200.00');
		} else {
			fen = sum;
		}
		if (!(fen >= 1 && fen <= FEN_MAX))
			throw new Error('支出金额应大于 0');
		if (fen > fu.balance_fen)
			throw new Error('基金余额不足：余额 ' + yuan(fu.balance_fen) +
			    '，支出 ' + yuan(fen));
		body.amount_fen = fen;
		if (out.length)
			body.lines = out;
		if (out.length && fen !== sum && !await confirm('支出金额 ' +
		    yuan(fen) + ' 与明细合计 ' + yuan(sum) + ' 不一致，仍然记录？',
		    '记录'))
			return;
		// The same client_id on a retry: a lost answer does not spend twice.
		const x = await api('POST', '/api/v1/funds/' + fu.id + '/expenses',
		    body);
		fm.renew();
		ctx.reload();
		flash('已记录支出 ' + yuan(x.amount_fen) + (x.lines && x.lines.length ?
		    '，' + num(x.lines.length) + ' 批物品已入库' : ''));
	});
	return section('记录支出', f);
}
