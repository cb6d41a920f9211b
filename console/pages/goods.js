// 物品: the goods the store hands out. Search by name or barcode (a
// scanner in the search field ends with Enter: the item is looked up by
// its barcode), create and edit an item, add a barcode to it.
import { h, add, clear } from '../lib/dom.js';
import { api, ApiError, qs } from '../lib/api.js';
import { yuan, parseYuan, num, parseInt10, datetime } from '../lib/fmt.js';
import { header, section, pagedTable, field, input, checkbox, form, flash,
	errorText, badge, link } from '../lib/ui.js';

// Text a scanner could have typed: printable ASCII without spaces.
const BARCODE_LIKE = /^[\x21-\x7e]{1,46}$/;

export async function render(main, ctx) {
	const search = input('q', { id: 'goods-search', type: 'search',
	    value: ctx.params.get('q') || '', maxlength: 100,
	    placeholder: '名称或条码（可直接扫码后回车）' });
	const panel = h('div', { id: 'goods-panel' });
	const list = h('div', { id: 'goods-list' });
	const searchForm = h('form', { id: 'goods-search-form', class: 'row',
	    role: 'search' },
	    field('查找物品', search),
	    h('button', { type: 'submit', id: 'goods-search-go' }, '查找'));

	main.append(
	    header('物品', ctx.canWrite ? h('button', { type: 'button',
		id: 'goods-new', class: 'primary',
		onclick: () => showItem(null) }, '新建物品') : null),
	    h('p', { class: 'muted' }, '修改物品（名称、积分、价值等）只影响今后的' +
		'领取，不会改变过去的领取记录：每张小票保存的是当时的积分和价值。'),
	    section(null, searchForm), panel, list);

	async function showList(q) {
		const cols = [
			{ label: '名称', get: (it) => h('a', { href: '#/goods?id=' + it.id,
			    class: 'goods-open', 'data-id': it.id,
			    onclick: (ev) => { ev.preventDefault(); openItem(it.id); } },
			    it.name) },
			{ label: '类别', get: (it) => it.category },
			{ label: '单位', get: (it) => it.unit },
			{ label: '价值', num: true, get: (it) => yuan(it.unit_value_fen) },
			{ label: '积分', num: true, get: (it) => num(it.points) },
			{ label: '每户每月限', num: true, get: (it) =>
			    it.monthly_limit === null ? '—' : num(it.monthly_limit) },
			{ label: '最低库存', num: true, get: (it) => num(it.min_stock) },
			{ label: '条码', get: (it) => (it.barcodes || []).join(' ') },
			{ label: '状态', get: (it) => [
			    it.priority_only ? badge('仅优先户', 'warn') : null,
			    it.active === false ? badge('已停用', 'bad') : null] },
		];
		const t = await pagedTable('/api/v1/items' + qs({ q }), cols,
		    { empty: q ? '没有找到“' + q + '”' : '还没有物品',
			rowAttrs: (it) => ({ 'data-id': it.id,
			    class: it.active === false ? 'muted' : null }) });
		clear(list).append(section(q ? '查找结果' : '全部物品', t));
	}

	async function openItem(id) {
		try {
			showItem(await api('GET', '/api/v1/items/' + id));
		} catch (e) {
			flash(errorText(e), 'error');
		}
	}

	// The search: a barcode-looking text is tried as a barcode first (the
	// scanner's case), then as a part of a name.
	searchForm.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const q = search.value.trim();
		flash('');
		if (q && BARCODE_LIKE.test(q)) {
			try {
				const it = await api('GET', '/api/v1/items/by-barcode/' +
				    encodeURIComponent(q));
				showItem(it);
				await showList(q);
				search.select();
				return;
			} catch (e) {
				if (!(e instanceof ApiError) ||
				    (e.status !== 404 && e.status !== 400)) {
					flash(errorText(e), 'error');
					return;
				}
			}
		}
		clear(panel);
		try {
			await showList(q);
		} catch (e) {
			flash(errorText(e), 'error');
		}
		search.select();
	});

	// The item's card: a form for staff, a read-only list for an auditor.
	function showItem(it) {
		clear(panel);
		if (!ctx.canWrite) {
			if (it)
				panel.append(readOnly(it));
			return;
		}
		panel.append(itemForm(it, (saved) => {
			flash((it ? '已保存：' : '已新建：') + saved.name, 'ok');
			showItem(saved);
			showList(search.value.trim()).catch((e) =>
			    flash(errorText(e), 'error'));
		}));
		if (it)
			panel.append(barcodeForm(it, (saved) => showItem(saved)));
		panel.querySelector('input').focus();
	}

	await showList(ctx.params.get('q') || '');
	if (ctx.params.get('id'))
		await openItem(ctx.params.get('id'));
}

function readOnly(it) {
	const row = (k, v) => [h('dt', null, k), h('dd', null, v)];
	return section(it.name, h('dl', { id: 'goods-detail', class: 'goods-dl' },
	    row('名称', it.name), row('编号', String(it.id)),
	    row('类别', it.category),
	    row('单位', it.unit), row('价值', yuan(it.unit_value_fen)),
	    row('积分', num(it.points)),
	    row('每户每月限', it.monthly_limit === null ? '不限' :
		num(it.monthly_limit)),
	    row('最低库存', num(it.min_stock)),
	    row('仅限优先户', it.priority_only ? '是' : '否'),
	    row('状态', it.active === false ? '已停用' : '在用'),
	    row('条码', (it.barcodes || []).join(' ') || '—'),
	    row('建立于', datetime(it.created_at))));
}

// The create/edit form. it null: a new item.
function itemForm(it, done) {
	const v = it || { name: '', category: '', unit: '', unit_value_fen: null,
	    points: null, monthly_limit: null, min_stock: 0,
	    priority_only: false, active: true };
	const kids = [
		h('div', { class: 'row' },
		    field('名称', input('name', { id: 'goods-name', value: v.name,
			maxlength: 199, required: true })),
		    field('类别', input('category', { id: 'goods-category',
			value: v.category, maxlength: 63, required: true,
			placeholder: '如 粮油' })),
		    field('单位', input('unit', { id: 'goods-unit', value: v.unit,
			maxlength: 31, required: true, placeholder: '如 袋' }))),
		h('div', { class: 'row' },
		    field('单价（元）', input('value', { id: 'goods-value',
			inputmode: 'decimal', value: v.unit_value_fen === null ? '' :
			    yuan(v.unit_value_fen).replace('¥', '') })),
		    field('积分', input('points', { id: 'goods-points',
			inputmode: 'numeric', value: v.points === null ? '' :
			    String(v.points) })),
		    field('每户每月限', input('monthly_limit', {
			id: 'goods-limit', inputmode: 'numeric',
			value: v.monthly_limit === null ? '' : String(v.monthly_limit),
			placeholder: '空：不限' })),
		    field('最低库存', input('min_stock', { id: 'goods-min-stock',
			inputmode: 'numeric', value: String(v.min_stock) }))),
		h('div', { class: 'row' },
		    ided(checkbox('priority_only', '仅限优先户（特困、应急、因病）',
			v.priority_only), 'goods-priority'),
		    it ? ided(checkbox('active', '在用（取消勾选即停用，收银台不再发放）',
			v.active !== false), 'goods-active') : null),
		it ? null : field('条码（可选，可扫码）', input('barcode', {
		    id: 'goods-new-barcode', maxlength: 46 })),
		h('div', { class: 'actions' },
		    h('button', { type: 'submit', id: 'goods-save' },
			it ? '保存修改' : '新建物品')),
	];
	const f = form({ id: 'goods-form', class: 'goods-form' }, kids,
	    async (vals) => {
		const body = itemBody(vals, !it);
		// A new item is shown as GET gives it: the create reply has been
		// seen to say active false for a new (active) item, and a save of
		// that form would then retire it.
		const saved = it ?
		    await api('PATCH', '/api/v1/items/' + it.id, body) :
		    await api('GET', '/api/v1/items/' +
			(await api('POST', '/api/v1/items', body)).id);
		done(saved);
	});
	return section(it ? '编辑：' + it.name + '（#' + it.id + '）' : '新建物品', f);
}

// A checkbox's label with an id on its box.
function ided(label, id) {
	label.querySelector('input').id = id;
	return label;
}

// The form's text as the API's fields, or a thrown Error naming the field.
function itemBody(vals, isNew) {
	const bad = (what) => { throw new Error('请填写正确的' + what); };
	const body = {
		name: vals.name.trim(),
		category: vals.category.trim(),
		unit: vals.unit.trim(),
	};
	if (!body.name)
		bad('名称');
	if (!body.category)
		bad('类别');
	if (!body.unit)
		bad('单位');
	body.unit_value_fen = parseYuan(vals.value);
	if (body.unit_value_fen === null)
		bad('单价（元，如 12.50）');
	body.points = parseInt10(vals.points, 0, 100000000);
	if (body.points === null)
		bad('积分（0 或正整数）');
	if (vals.monthly_limit.trim() === '') {
		if (!isNew)
			body.monthly_limit = null;
	} else {
		body.monthly_limit = parseInt10(vals.monthly_limit, 1, 1000000);
		if (body.monthly_limit === null)
			bad('每户每月限（正整数，或留空表示不限）');
	}
	body.min_stock = parseInt10(vals.min_stock || '0', 0, 1000000);
	if (body.min_stock === null)
		bad('最低库存（0 或正整数）');
	body.priority_only = vals.priority_only;
	if (!isNew)
		body.active = vals.active;
	if (isNew && vals.barcode && vals.barcode.trim())
		body.barcodes = [vals.barcode.trim()];
	return body;
}

function barcodeForm(it, done) {
	const code = input('code', { id: 'goods-barcode', maxlength: 46,
	    placeholder: '扫码或输入条码' });
	const taken = h('div', { id: 'goods-barcode-error', class: 'form-error',
	    role: 'alert' });
	const f = form({ id: 'goods-barcode-form', class: 'row' }, [
		field('添加条码', code),
		h('button', { type: 'submit', id: 'goods-barcode-add' }, '添加条码'),
	], async (vals) => {
		clear(taken);
		const c = vals.code.trim();
		if (!c)
			throw new Error('请扫码或输入条码');
		try {
			const saved = await api('POST', '/api/v1/items/' + it.id +
			    '/barcodes', { code: c });
			flash('已添加条码 ' + c + ' 到 ' + saved.name, 'ok');
			done(saved);
		} catch (e) {
			if (e.code !== 'barcode_taken')
				throw e;
			// Which item has it, so the person can go and look.
			const other = e.details && e.details.item_id;
			add(taken, ['条码 ' + c + ' 已属于另一物品', other ?
			    ['（', link('#' + other, 'goods', { id: other }),
				'），未添加。'] : '，未添加。']);
			code.select();
		}
	});
	return section('条码', h('p', null, '现有条码：',
	    h('span', { id: 'goods-barcodes' },
		(it.barcodes || []).join(' ') || '无')), f, taken);
}
