// 接收捐赠: goods scanned in (a USB scanner types the code into the focused
// scan field and ends with Enter) or chosen by name, or cash into a fund;
// posted once with a client_id kept across a retry; the donor's receipt
// printed from the donation's JSON.
import { h, clear, $ } from '../lib/dom.js';
import { api, ApiError, listAll } from '../lib/api.js';
import { yuan, parseYuan, num, parseInt10, today, date } from '../lib/fmt.js';
import { header, section, pagedTable, field, input, select, form, flash,
	errorText, badge } from '../lib/ui.js';

export const DONOR_KIND = {
	enterprise: '企业',
	social_org: '社会组织',
	individual: '个人',
	volunteer: '志愿者',
	government: '政府',
	anonymous: '匿名',
};

export async function render(main, ctx) {
	if (!ctx.canWrite) {
		main.append(header('接收捐赠'),
		    h('p', null, '只有店长和管理员可以登记捐赠。'));
		return;
	}
	const [donors, funds] = await Promise.all([
		listAll('/api/v1/donors'),
		api('GET', '/api/v1/funds').then((r) => r.items),
	]);
	const items = new Map(); // id -> item, every item seen on this page
	const byCode = new Map(); // a scanned code -> item
	let lines = []; // [{item, quantity, expires_on}]
	let queue = Promise.resolve(); // scans, looked up one after another

	// --- the donor and the day ---------------------------------------
	const donorSel = h('select', { id: 'receive-donor', name: 'donor' });
	const filter = input('donor_filter', { id: 'receive-donor-filter',
	    type: 'search', placeholder: '按名称筛选' });
	function fillDonors(selected) {
		const f = filter.value.trim();
		const shown = donors.slice().reverse().filter((d) =>
		    !f || d.name.includes(f) || String(d.id) === selected);
		clear(donorSel).append(h('option', { value: '' }, '请选择捐赠人'),
		    ...shown.map((d) => h('option', { value: d.id,
			selected: String(d.id) === String(selected) },
			d.name + '（' + (DONOR_KIND[d.kind] || d.kind) + '）')));
	}
	filter.addEventListener('input', () => fillDonors(donorSel.value));
	fillDonors(ctx.params.get('donor') || '');
	const day = input('received_on', { id: 'receive-date', type: 'date',
	    value: today(), max: today(), required: true });

	const donorForm = form({ id: 'receive-donor-new', class: 'row' }, [
		field('新捐赠人名称', input('name', { id: 'receive-donor-new-name',
		    maxlength: 199 })),
		field('类型', select('kind', Object.entries(DONOR_KIND), 'individual',
		    { id: 'receive-donor-new-kind' })),
		h('button', { type: 'submit', id: 'receive-donor-new-add' },
		    '添加捐赠人'),
	], async (vals, f) => {
		const name = vals.name.trim();
		if (!name)
			throw new Error('请填写捐赠人名称（匿名捐赠可写“匿名”）');
		const d = await api('POST', '/api/v1/donors',
		    { name, kind: vals.kind });
		donors.push(d);
		filter.value = '';
		fillDonors(d.id);
		f.reset();
		flash('已添加捐赠人：' + d.name, 'ok');
	});

	function donor() {
		const id = Number(donorSel.value);
		if (!id)
			throw new Error('请先选择捐赠人');
		return donors.find((d) => d.id === id);
	}
	function receivedOn() {
		if (!/^\d{4}-\d\d-\d\d$/.test(day.value))
			throw new Error('请填写接收日期');
		return day.value;
	}

	// --- goods: scan or choose by name ---------------------------------
	const scan = input('scan', { id: 'receive-scan', maxlength: 64,
	    placeholder: '把光标放在这里扫码', autofocus: true,
	    enterkeyhint: 'enter' });
	const scanMsg = h('div', { id: 'receive-scan-msg', class: 'form-error',
	    role: 'alert' });
	const newItem = h('div', { id: 'receive-new-item-wrap' });
	scan.addEventListener('keydown', (ev) => {
		if (ev.key !== 'Enter')
			return;
		ev.preventDefault();
		const code = scan.value.trim();
		scan.value = '';
		if (code)
			queue = queue.then(() => onCode(code));
	});

	async function onCode(code) {
		clear(scanMsg);
		let it = byCode.get(code);
		if (!it) {
			try {
				it = await api('GET', '/api/v1/items/by-barcode/' +
				    encodeURIComponent(code));
			} catch (e) {
				if (e instanceof ApiError && e.status === 404)
					return offerItem(code);
				scanMsg.append(code + '：' + errorText(e));
				return;
			}
			byCode.set(code, it);
		}
		addLine(it);
	}

	function addLine(it) {
		items.set(it.id, it);
		const l = lines.find((x) => x.item.id === it.id);
		if (l)
			l.quantity += 1;
		else
			lines.push({ item: it, quantity: 1, expires_on: '' });
		drawLines();
	}

	// An unknown barcode: a small form to create the item, then the line.
	function offerItem(code) {
		const f = form({ id: 'receive-new-item', class: 'inline-new' }, [
			h('p', null, '条码 ', h('strong', { id: 'receive-new-code' }, code),
			    ' 还没有登记。填写后即新建物品并加入本次捐赠：'),
			h('div', { class: 'row' },
			    field('名称', input('name', { id: 'receive-new-name',
				maxlength: 199 })),
			    field('类别', input('category', { id: 'receive-new-category',
				maxlength: 63, placeholder: '如 粮油' })),
			    field('单位', input('unit', { id: 'receive-new-unit',
				maxlength: 31, placeholder: '如 袋' })),
			    field('单价（元）', input('value', { id: 'receive-new-value',
				inputmode: 'decimal' })),
			    field('积分', input('points', { id: 'receive-new-points',
				inputmode: 'numeric' }))),
			h('div', { class: 'actions' },
			    h('button', { type: 'submit', id: 'receive-new-save' },
				'新建并加入'),
			    h('button', { type: 'button', id: 'receive-new-cancel',
				onclick: () => { clear(newItem); scan.focus(); } },
				'取消')),
		], async (vals) => {
			const body = {
				name: vals.name.trim(),
				category: vals.category.trim(),
				unit: vals.unit.trim(),
				unit_value_fen: parseYuan(vals.value),
				points: parseInt10(vals.points, 0, 100000000),
				barcodes: [code],
			};
			if (!body.name || !body.category || !body.unit)
				throw new Error('请填写名称、类别和单位');
			if (body.unit_value_fen === null)
				throw new Error('请填写正确的单价（元，如 12.50）');
			if (body.points === null)
				throw new Error('请填写积分（0 或正整数）');
			const it = await api('POST', '/api/v1/items', body);
			byCode.set(code, it);
			clear(newItem);
			addLine(it);
			flash('已新建物品：' + it.name, 'ok');
			scan.focus();
		});
		clear(newItem).append(f);
		$('#receive-new-name', f).focus();
	}

	// By name: a search, a pick from what it found.
	const nameQ = input('name_q', { id: 'receive-name-q', type: 'search',
	    maxlength: 100, placeholder: '输入物品名称的一部分' });
	const pick = h('select', { id: 'receive-name-pick' },
	    h('option', { value: '' }, '（先查找）'));
	async function findByName() {
		const q = nameQ.value.trim();
		if (!q)
			return;
		const r = await api('GET', '/api/v1/items?active=true&limit=50&q=' +
		    encodeURIComponent(q));
		const found = r.items;
		found.forEach((it) => items.set(it.id, it));
		clear(pick).append(...(found.length ? found.map((it) =>
		    h('option', { value: it.id }, it.name + '（' + it.unit + '）')) :
		    [h('option', { value: '' }, '没有找到')]));
	}
	nameQ.addEventListener('keydown', (ev) => {
		if (ev.key === 'Enter') {
			ev.preventDefault();
			findByName().catch((e) => flash(errorText(e), 'error'));
		}
	});
	const nameRow = h('div', { class: 'row' },
	    field('按名称添加', nameQ),
	    h('button', { type: 'button', id: 'receive-name-find',
		onclick: () => findByName().catch((e) =>
		    flash(errorText(e), 'error')) }, '查找'),
	    field('选择物品', pick),
	    h('button', { type: 'button', id: 'receive-name-add', onclick: () => {
		const it = items.get(Number(pick.value));
		if (it)
			addLine(it);
		scan.focus();
	    } }, '加入'));

	// The lines, and the one submit.
	const linesBox = h('div', { id: 'receive-lines' });
	function drawLines() {
		let total = 0;
		const rows = lines.map((l, i) => {
			const v = l.item.unit_value_fen * l.quantity;
			total += v;
			const qty = input('qty', { class: 'receive-qty', id:
			    'receive-qty-' + l.item.id, inputmode: 'numeric',
			    value: String(l.quantity), size: 6 });
			qty.addEventListener('change', () => {
				const n = parseInt10(qty.value, 1, 1000000);
				if (n === null) {
					qty.value = String(l.quantity);
					flash('数量须为 1 到 1,000,000 的整数', 'error');
					return;
				}
				l.quantity = n;
				drawLines();
			});
			const exp = input('expires_on', { type: 'date', class:
			    'receive-exp', id: 'receive-exp-' + l.item.id,
			    value: l.expires_on, min: today() });
			exp.addEventListener('change', () => { l.expires_on = exp.value; });
			return h('tr', { 'data-item': l.item.id },
			    h('td', null, l.item.name), h('td', null, l.item.unit),
			    h('td', { class: 'num' }, qty), h('td', null, exp),
			    h('td', { class: 'num' }, yuan(v)),
			    h('td', null, h('button', { type: 'button',
				class: 'receive-remove', onclick: () => {
				    lines.splice(i, 1);
				    drawLines();
				    scan.focus();
				} }, '移除')));
		});
		clear(linesBox).append(h('div', { class: 'table-wrap' },
		    h('table', null, h('thead', null, h('tr', null,
			h('th', null, '物品'), h('th', null, '单位'),
			h('th', { class: 'num' }, '数量'), h('th', null, '到期日'),
			h('th', { class: 'num' }, '价值'), h('th', null, ''))),
		    h('tbody', null, rows.length ? rows : h('tr', { class: 'empty' },
			h('td', { colspan: 6 }, '还没有物品：请扫码或按名称添加'))),
		    h('tfoot', null, h('tr', null, h('td', { colspan: 4 }, '合计'),
			h('td', { class: 'num', id: 'receive-total' }, yuan(total)),
			h('td'))))));
	}
	drawLines();

	const goodsForm = form({ id: 'receive-goods-form' }, [
		linesBox,
		h('div', { class: 'actions' },
		    h('button', { type: 'submit', id: 'receive-submit' },
			'确认接收物资')),
	], async (vals, f) => {
		const d = donor();
		const body = { client_id: f.clientId, donor_id: d.id,
		    received_on: receivedOn(), lines: [] };
		if (lines.length === 0)
			throw new Error('请先扫码或按名称添加物品');
		for (const l of lines) {
			const x = { item_id: l.item.id, quantity: l.quantity };
			if (l.expires_on)
				x.expires_on = l.expires_on;
			body.lines.push(x);
		}
		const don = await api('POST', '/api/v1/donations', body);
		f.renew();
		showDone(don, d, lines.map((l) => l.item));
		lines = [];
		drawLines();
		refreshRecent();
		scan.focus();
	});
	// Enter in a line's quantity or date (or a scanner that typed there)
	// must not post the donation.
	goodsForm.addEventListener('keydown', (ev) => {
		if (ev.key === 'Enter' && ev.target.tagName === 'INPUT')
			ev.preventDefault();
	});

	// --- cash into a fund --------------------------------------------
	const fundSel = h('select', { id: 'receive-cash-fund', name: 'fund' });
	function fillFunds() {
		clear(fundSel).append(h('option', { value: '' }, '请选择基金'),
		    ...funds.map((fd) => h('option', { value: fd.id },
			fd.name + (fd.restricted ? '（定向：' + fd.purpose + '）' : '') +
			' 余额 ' + yuan(fd.balance_fen))));
	}
	fillFunds();
	const cashForm = form({ id: 'receive-cash-form', class: 'row' }, [
		field('存入基金', fundSel),
		field('金额（元）', input('amount', { id: 'receive-cash-amount',
		    inputmode: 'decimal', placeholder: '如 500.00' })),
		h('button', { type: 'submit', id: 'receive-cash-submit' },
		    '确认接收现金'),
	], async (vals, f) => {
		const d = donor();
		const fundId = Number(fundSel.value);
		if (!fundId)
			throw new Error('请选择基金');
		const amount = parseYuan(vals.amount);
		if (!amount)
			throw new Error('请填写正确的金额（元，如 500.00）');
		const don = await api('POST', '/api/v1/donations', {
			client_id: f.clientId, donor_id: d.id,
			received_on: receivedOn(),
			cash: { amount_fen: amount, fund_id: fundId } });
		f.renew();
		f.reset();
		showDone(don, d, []);
		const r = await api('GET', '/api/v1/funds');
		funds.splice(0, funds.length, ...r.items);
		fillFunds();
		refreshRecent();
	});

	// --- the result, and its receipt -------------------------------------
	const done = h('div', { id: 'receive-done' });
	function showDone(don, d, its) {
		its.forEach((it) => items.set(it.id, it));
		flash('已接收，收据号 ' + don.receipt_code, 'ok');
		clear(done).append(receipt(don, d, items, funds));
		done.scrollIntoView({ block: 'nearest' });
	}

	// --- recent donations --------------------------------------------
	const recent = h('div', { id: 'receive-recent' });
	async function refreshRecent() {
		try {
			clear(recent).append(await pagedTable('/api/v1/donations', [
				{ label: '收据号', get: (x) => x.receipt_code },
				{ label: '接收日期', get: (x) => date(x.received_on) },
				{ label: '捐赠人', get: (x) => x.donor.name },
				{ label: '内容', get: (x) => x.cash ? '现金 → ' +
				    fundName(funds, x.cash.fund_id) :
				    num(x.lines) + ' 批物资' },
				{ label: '价值', num: true, get: (x) => yuan(x.cash ?
				    x.cash.amount_fen : x.value_fen) },
				{ label: '', get: (x) => h('button', { type: 'button',
				    class: 'receive-reprint', onclick: () =>
					reprint(x.id).catch((e) =>
					    flash(errorText(e), 'error')) }, '收据') },
			], { limit: 20, empty: '还没有捐赠记录' }));
		} catch (e) {
			clear(recent).append(h('p', { class: 'muted' }, errorText(e)));
		}
	}
	async function reprint(id) {
		const don = await api('GET', '/api/v1/donations/' + id);
		const need = [...new Set((don.lines || []).map((l) => l.item_id))]
		    .filter((i) => !items.has(i));
		(await Promise.all(need.map((i) => api('GET', '/api/v1/items/' + i))))
		    .forEach((it) => items.set(it.id, it));
		clear(done).append(receipt(don,
		    donors.find((d) => d.id === don.donor_id), items, funds));
		printReceipt();
	}

	main.append(
	    header('接收捐赠'),
	    section('捐赠人与日期', h('div', { class: 'row' },
		field('筛选捐赠人', filter), field('捐赠人', donorSel),
		field('接收日期', day)),
		h('details', { class: 'receive-donor-new',
		    open: donors.length === 0 },
		    h('summary', { id: 'receive-donor-new-open' },
			'新捐赠人（名单里没有时）'), donorForm)),
	    section('物资捐赠', h('div', { class: 'row' },
		field('扫码（扫码枪扫一次加 1 件）', scan)), scanMsg, newItem,
		nameRow, goodsForm),
	    section('现金捐赠', h('p', { class: 'muted' },
		'现金记入所选基金，捐赠人可凭收据号查询去向。'), cashForm),
	    done,
	    section('最近的捐赠', recent));
	await refreshRecent();
	scan.focus();
}

function fundName(funds, id) {
	const f = funds.find((x) => x.id === id);
	return f ? f.name : '#' + id;
}

// The donor's receipt, built from the donation's JSON (as text).
function receipt(don, d, items, funds) {
	let total = 0;
	const rows = (don.lines || []).map((l) => {
		const it = items.get(l.item_id);
		const v = l.quantity * l.unit_value_fen;
		total += v;
		return h('tr', null, h('td', null, it ? it.name : '#' + l.item_id),
		    h('td', { class: 'num' }, num(l.quantity) + (it ? ' ' + it.unit : '')),
		    h('td', { class: 'num' }, yuan(l.unit_value_fen)),
		    h('td', null, l.expires_on || '—'),
		    h('td', { class: 'num' }, yuan(v)));
	});
	if (don.cash)
		total = don.cash.amount_fen;
	return h('section', { id: 'receive-receipt', class: 'card receipt' },
	    h('h2', null, '慈善超市 · 捐赠收据'),
	    h('dl', { class: 'receipt-head' },
		h('dt', null, '收据号'), h('dd', { id: 'receive-receipt-code' },
		    don.receipt_code),
		h('dt', null, '捐赠人'), h('dd', null, d ? d.name + '（' +
		    (DONOR_KIND[d.kind] || d.kind) + '）' : '#' + don.donor_id),
		h('dt', null, '接收日期'), h('dd', null, don.received_on)),
	    rows.length ? h('table', null, h('thead', null, h('tr', null,
		h('th', null, '物品'), h('th', { class: 'num' }, '数量'),
		h('th', { class: 'num' }, '单价'), h('th', null, '到期日'),
		h('th', { class: 'num' }, '价值'))), h('tbody', null, rows)) : null,
	    don.cash ? h('p', null, '现金 ', h('strong', null,
		yuan(don.cash.amount_fen)), '，存入基金：',
		fundName(funds, don.cash.fund_id)) : null,
	    h('p', { class: 'receipt-total' }, '合计价值：',
		h('strong', { id: 'receive-receipt-total' }, yuan(total))),
	    h('p', null, '衷心感谢您的爱心捐赠！凭收据号可在本店公示页查询捐赠物资的去向。'),
	    h('div', { class: 'actions' },
		badge('已入账', 'ok'),
		h('button', { type: 'button', id: 'receive-print',
		    onclick: printReceipt }, '打印收据')));
}

// Only the receipt goes to the printer (console.css: page receive).
function printReceipt() {
	document.body.classList.add('receive-printing');
	window.addEventListener('afterprint', () =>
	    document.body.classList.remove('receive-printing'), { once: true });
	window.print();
}
