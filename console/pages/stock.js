// 库存: what is on the shelves, by item and lot; a stocktake (盘点) whose
// differences become count corrections; write-offs (报损) with a reason
// and a note; the movement log of an item.
import { h, clear } from '../lib/dom.js';
import { api, listAll, qs } from '../lib/api.js';
import { yuan, num, parseInt10, today, addDays, datetime } from '../lib/fmt.js';
import { header, section, pagedTable, field, input, select, checkbox, form,
	flash, errorText, badge, confirm } from '../lib/ui.js';

const SOURCE = { donation: '捐赠', purchase: '采购' };
const KIND = { receive: '入库', distribute: '领取', void: '作废退回',
	adjust: '调整' };
const REASON = { donation: '捐赠', purchase: '基金采购', distribution: '领取',
	void: '作废', expired: '过期', damaged: '损坏', lost: '丢失',
	count_correction: '盘点更正', offline_loss: '离线超发' };
const WRITE_OFF = [['expired', '过期'], ['damaged', '损坏'], ['lost', '丢失']];

export async function render(main, ctx) {
	const p = ctx.params;
	const low = p.get('low') === '1';
	const days = p.get('expiring_within_days') || '';
	const category = p.get('category') || '';
	// The category is filtered here, so that every category stays there
	// to choose from; the list is the same one call either way.
	const rows = await listAll('/api/v1/stock' +
	    qs({ expiring_within_days: days }));
	const cats = [...new Set(rows.map((r) => r.category).concat(
	    category ? [category] : []))].sort();
	const keep = (r) => (!low || r.low) &&
	    (!category || r.category === category);
	const counts = new Map(); // lot_id -> counted, while stocktaking
	const lots = new Map(); // lot_id -> {lot, item}
	let taking = false;

	const lowBox = checkbox('low', '只看低于最低库存的', low);
	lowBox.querySelector('input').id = 'stock-low';
	const daysIn = input('days', { id: 'stock-expiring', inputmode: 'numeric',
	    value: days, size: 5, placeholder: '天数' });
	const catSel = select('category', [['', '全部类别']].concat(
	    cats.map((c) => [c, c])), category, { id: 'stock-category' });
	const filters = h('form', { id: 'stock-filters', class: 'row' },
	    lowBox, field('临期（天内到期，含已过期）', daysIn),
	    field('类别', catSel),
	    h('button', { type: 'submit', id: 'stock-filter-go' }, '筛选'));
	filters.addEventListener('submit', (ev) => {
		ev.preventDefault();
		const d = daysIn.value.trim();
		if (d && parseInt10(d, 0, 3650) === null) {
			flash('临期天数须为 0 到 3650 的整数', 'error');
			return;
		}
		ctx.go('stock', Object.fromEntries(Object.entries({
			low: lowBox.querySelector('input').checked ? '1' : '',
			expiring_within_days: d, category: catSel.value,
		}).filter(([, v]) => v)));
	});

	let shown = rows.filter(keep);
	const listBox = h('div', { id: 'stock-list' });
	const takeBox = h('div', { id: 'stock-take' });
	const sideBox = h('div', { id: 'stock-side' }); // write-off, movements
	const horizon = days ? addDays(today(), Number(days)) : null;

	function expiryBadge(lot) {
		if (!lot.expires_on)
			return null;
		if (lot.expires_on < today())
			return badge('已过期', 'bad');
		if (lot.expires_on <= addDays(today(), 14))
			return badge('临期', 'warn');
		return null;
	}

	function drawList() {
		const body = h('tbody');
		for (const r of shown) {
			body.append(h('tr', { class: 'stock-item' + (r.low ? ' low' : ''),
			    'data-item': r.item_id },
			    h('td', null, h('strong', null, r.name), ' ',
				h('span', { class: 'muted' }, r.category)),
			    h('td', { class: 'num', id: 'stock-onhand-' + r.item_id },
				num(r.on_hand) + ' ' + r.unit),
			    h('td', { class: 'num' }, num(r.min_stock)),
			    h('td', { class: 'num' }, yuan(r.value_fen)),
			    h('td', null, r.low ? badge('低库存', 'warn') : null,
				horizon && r.lots.length ? badge(r.lots.length +
				    ' 批 ' + days + ' 天内到期', 'warn') : null),
			    h('td', null, h('button', { type: 'button',
				class: 'stock-moves', id: 'stock-moves-' + r.item_id,
				onclick: () => showMoves(r) }, '流水'))));
			for (const lot of r.lots) {
				lots.set(lot.lot_id, { lot, item: r });
				body.append(lotRow(r, lot));
			}
		}
		if (shown.length === 0)
			body.append(h('tr', { class: 'empty' }, h('td', { colspan: 6 },
			    low ? '没有低于最低库存的物品' : '没有符合条件的库存')));
		const total = shown.reduce((s, r) => s + r.value_fen, 0);
		clear(listBox).append(section(shown.length + ' 种物品，价值 ' +
		    yuan(total), h('div', { class: 'table-wrap' },
			h('table', { class: 'stock-table' }, h('thead', null,
			    h('tr', null, h('th', null, '物品 / 批次'),
				h('th', { class: 'num' }, '在库'),
				h('th', { class: 'num' }, '最低库存 / 盘点'),
				h('th', { class: 'num' }, '价值 / 差异'),
				h('th', null, '到期 / 状态'), h('th', null, ''))),
			    body))));
	}

	function lotRow(r, lot) {
		let countCell = null, diffCell = null;
		if (taking) {
			const c = input('counted', { id: 'stock-count-' + lot.lot_id,
			    class: 'stock-count', inputmode: 'numeric', size: 6,
			    value: counts.has(lot.lot_id) ?
				String(counts.get(lot.lot_id)) : '',
			    'aria-label': '批次 ' + lot.lot_id + ' 实盘数量' });
			diffCell = h('span', { id: 'stock-diff-' + lot.lot_id });
			const upd = () => {
				const t = c.value.trim();
				const n = parseInt10(t, 0, 1000000);
				clear(diffCell);
				if (t === '')
					counts.delete(lot.lot_id);
				else if (n === null) {
					counts.delete(lot.lot_id);
					diffCell.append(badge('数量无效', 'bad'));
				} else {
					counts.set(lot.lot_id, n);
					diffCell.append(diffText(n - lot.on_hand));
				}
				drawTake();
			};
			c.addEventListener('input', upd);
			c.addEventListener('keydown', (ev) => {
				if (ev.key === 'Enter')
					ev.preventDefault();
			});
			if (counts.has(lot.lot_id))
				diffCell.append(diffText(counts.get(lot.lot_id) - lot.on_hand));
			countCell = c;
		}
		return h('tr', { class: 'stock-lot', 'data-lot': lot.lot_id },
		    h('td', { class: 'lot-name' }, '批次 #' + lot.lot_id + ' · ' +
			(SOURCE[lot.source] || lot.source) + ' · ' + lot.received_on +
			' 入库 · 单价 ' + yuan(lot.unit_value_fen)),
		    h('td', { class: 'num', id: 'stock-lot-onhand-' + lot.lot_id },
			num(lot.on_hand)),
		    h('td', { class: 'num' }, countCell),
		    h('td', { class: 'num' }, diffCell),
		    h('td', null, lot.expires_on || '无保质期', ' ', expiryBadge(lot)),
		    h('td', null, ctx.canWrite && !taking ? h('button', {
			type: 'button', class: 'stock-writeoff-open',
			id: 'stock-writeoff-open-' + lot.lot_id,
			onclick: () => showWriteOff(r, lot) }, '报损') : null));
	}

	// The stocktake: the lots counted, their differences, one post.
	let takeForm = null;
	function drawTake() {
		if (!taking) {
			clear(takeBox);
			return;
		}
		const counted = [...counts.entries()];
		const diffs = counted.map(([id, n]) => ({ id, n,
		    lot: lots.get(id).lot, item: lots.get(id).item }))
		    .filter((x) => x.n !== x.lot.on_hand);
		const diffTable = h('div', { id: 'stock-take-diffs' },
		    diffs.length === 0 ? h('p', { class: 'muted' }, counted.length ?
			'已盘 ' + counted.length + ' 批，全部与账面相符。' :
			'在下表每个批次的“盘点”格填写实盘数量。') :
			h('table', null, h('thead', null, h('tr', null,
			    h('th', null, '物品'), h('th', null, '批次'),
			    h('th', { class: 'num' }, '账面'),
			    h('th', { class: 'num' }, '实盘'),
			    h('th', { class: 'num' }, '差异'))),
			    h('tbody', null, diffs.map((x) => h('tr', null,
				h('td', null, x.item.name),
				h('td', null, '#' + x.lot.lot_id),
				h('td', { class: 'num' }, num(x.lot.on_hand)),
				h('td', { class: 'num' }, num(x.n)),
				h('td', { class: 'num' }, diffText(x.n - x.lot.on_hand)))))));
		const summary = h('p', { id: 'stock-take-summary' }, '已盘 ',
		    String(counted.length), ' 批，其中 ', String(diffs.length),
		    ' 批有差异。提交后每个有差异的批次记一笔“盘点更正”。');
		if (!takeForm)
			takeForm = makeTakeForm();
		const post = takeForm.querySelector('#stock-take-post');
		post.disabled = counted.length === 0;
		clear(takeForm.querySelector('.take-body')).append(summary, diffTable);
		if (!takeBox.contains(takeForm))
			clear(takeBox).append(section('盘点', takeForm));
	}

	function makeTakeForm() {
		return form({ id: 'stock-take-form' }, [
			h('div', { class: 'take-body' }),
			field('备注（可选）', input('note', { id: 'stock-take-note',
			    maxlength: 200 })),
			h('div', { class: 'actions' },
			    h('button', { type: 'submit', id: 'stock-take-post' },
				'提交盘点'),
			    h('button', { type: 'button', id: 'stock-take-cancel',
				onclick: () => toggleTake(false) }, '取消盘点')),
		], async (vals, f) => {
			const lines = [...counts.entries()].map(([lot_id, counted]) =>
			    ({ lot_id, counted }));
			if (lines.length === 0)
				throw new Error('还没有填写实盘数量');
			const n = lines.filter((l) =>
			    l.counted !== lots.get(l.lot_id).lot.on_hand).length;
			if (!await confirm('提交盘点：' + lines.length + ' 批，' + n +
			    ' 批有差异将记为盘点更正。确认提交？', '提交'))
				return;
			const body = { client_id: f.clientId, lines };
			if (vals.note.trim())
				body.note = vals.note.trim();
			const r = await api('POST', '/api/v1/stock/counts', body);
			f.renew();
			counts.clear();
			taking = false;
			takeForm = null;
			await reload();
			showTakeResult(r);
		});
	}

	function toggleTake(on) {
		taking = on;
		if (!on) {
			counts.clear();
			takeForm = null;
		}
		if (takeBtn)
			takeBtn.textContent = on ? '盘点中…' : '开始盘点';
		if (takeBtn)
			takeBtn.disabled = on;
		drawList();
		drawTake();
	}

	function showTakeResult(r) {
		const adj = r.adjustments;
		clear(sideBox).append(section('盘点已提交', h('div',
		    { id: 'stock-take-result' },
		    h('p', null, '盘点 #' + r.id + '：' + num(r.lots) + ' 批已盘，' +
			adj.length + ' 笔盘点更正，净差 ' + diffStr(r.delta) + '。'),
		    adj.length ? h('table', null, h('thead', null, h('tr', null,
			h('th', null, '调整'), h('th', null, '批次'),
			h('th', { class: 'num' }, '盘前'),
			h('th', { class: 'num' }, '实盘'),
			h('th', { class: 'num' }, '差异'))),
			h('tbody', null, adj.map((a) => h('tr', { class: 'take-adj' },
			    h('td', null, '#' + a.adjustment_id),
			    h('td', null, '#' + a.lot_id),
			    h('td', { class: 'num' }, num(a.before)),
			    h('td', { class: 'num' }, num(a.counted)),
			    h('td', { class: 'num' }, diffText(a.delta)))))) : null)));
		flash('盘点已提交', 'ok');
	}

	// A write-off of one lot.
	function showWriteOff(r, lot) {
		const f = form({ id: 'stock-writeoff' }, [
			h('p', null, r.name + ' · 批次 #' + lot.lot_id + ' · 在库 ' +
			    num(lot.on_hand) + ' ' + r.unit +
			    (lot.expires_on ? ' · 到期 ' + lot.expires_on : '')),
			h('div', { class: 'row' },
			    field('报损数量', input('quantity', {
				id: 'stock-writeoff-qty', inputmode: 'numeric', size: 6 })),
			    field('原因', select('reason', WRITE_OFF, 'expired',
				{ id: 'stock-writeoff-reason' }))),
			field('说明', h('textarea', { name: 'note',
			    id: 'stock-writeoff-note', maxlength: 200, rows: 2,
			    placeholder: '如：包装破损，已销毁' })),
			h('div', { class: 'actions' },
			    h('button', { type: 'submit', id: 'stock-writeoff-submit' },
				'确认报损'),
			    h('button', { type: 'button', onclick: () => clear(sideBox) },
				'取消')),
		], async (vals, fm) => {
			const q = parseInt10(vals.quantity, 1, lot.on_hand);
			if (q === null)
				throw new Error('报损数量须为 1 到 ' + lot.on_hand + ' 的整数');
			const body = { client_id: fm.clientId, lot_id: lot.lot_id,
			    quantity_delta: -q, reason: vals.reason };
			if (vals.note.trim())
				body.note = vals.note.trim();
			await api('POST', '/api/v1/stock/adjustments', body);
			fm.renew();
			flash('已报损：' + r.name + ' ' + q + ' ' + r.unit, 'ok');
			await reload();
			await showMoves(r);
		});
		clear(sideBox).append(section('报损', f));
		f.querySelector('input').focus();
		sideBox.scrollIntoView({ block: 'nearest' });
	}

	async function showMoves(r) {
		try {
			const t = await pagedTable('/api/v1/stock/movements' +
			    qs({ item_id: r.item_id }), [
				{ label: '时间', get: (m) => datetime(m.at) },
				{ label: '批次', get: (m) => '#' + m.lot_id },
				{ label: '类型', get: (m) => KIND[m.kind] || m.kind },
				{ label: '原因', get: (m) => REASON[m.reason] || m.reason },
				{ label: '数量', num: true, get: (m) => diffStr(m.quantity) },
				{ label: '说明', get: (m) => [m.stocktake_id ?
				    '盘点 #' + m.stocktake_id + ' ' : '', m.note || ''] },
			], { limit: 100, empty: '没有流水',
			    rowAttrs: (m) => ({ class: 'stock-move', 'data-kind': m.kind }) });
			clear(sideBox).append(section('流水：' + r.name,
			    h('div', { id: 'stock-movements' }, t)));
			sideBox.scrollIntoView({ block: 'nearest' });
		} catch (e) {
			flash(errorText(e), 'error');
		}
	}

	async function reload() {
		const fresh = await listAll('/api/v1/stock' +
		    qs({ expiring_within_days: days }));
		shown = fresh.filter(keep);
		lots.clear();
		drawList();
		drawTake();
	}

	const takeBtn = ctx.canWrite ? h('button', { type: 'button',
	    id: 'stock-take-start', class: 'primary',
	    onclick: () => toggleTake(true) }, '开始盘点') : null;
	main.append(header('库存', takeBtn), section(null, filters), takeBox,
	    sideBox, listBox);
	drawList();
	if (p.get('item')) {
		const r = rows.find((x) => String(x.item_id) === p.get('item'));
		if (r)
			await showMoves(r);
	}
}

function diffStr(n) {
	return (n > 0 ? '+' : '') + num(n);
}

function diffText(n) {
	return h('span', { class: n === 0 ? 'diff-zero' : n > 0 ? 'diff-plus' :
	    'diff-minus' }, diffStr(n));
}
