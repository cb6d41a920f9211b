// Households: search (a card scanned + Enter opens it), register, edit,
// suspend and resume, renew, replace a lost card, the recertification
// list and a household's points ledger. Only what the API returns for the
// role is shown: auditors get masked names and phones, and no card codes.
import { h, clear } from '../lib/dom.js';
import { api, listAll, qs, ApiError } from '../lib/api.js';
import { num, datetime, today, addDays } from '../lib/fmt.js';
import { header, section, table, pagedTable, field, input, select, form,
	confirm, flash, errorText, badge, link } from '../lib/ui.js';

export const CATEGORY_LABEL = {
	tekun: '特困',
	dibao: '低保',
	emergency: '应急',
	illness: '因病',
	low_income: '低收入',
	other: '其他',
};
export const CATEGORIES = Object.keys(CATEGORY_LABEL);

const STATUS_LABEL = { active: '有效', suspended: '已暂停', expired: '已过期' };
const STATUS_KIND = { active: 'ok', suspended: 'bad', expired: 'warn' };
const KIND_LABEL = {
	grant_monthly: '月度发放',
	grant_oneoff: '临时救助',
	redeem: '领取',
	void: '作废退回',
	expire: '清零',
	expired: '清零',
};
const RECERT_DAYS = 30;
const CARD_RE = /^[A-Za-z0-9_-]{1,32}$/;

export function statusBadge(s) {
	return badge(STATUS_LABEL[s] || s, STATUS_KIND[s]);
}

// The 18-character resident id: a real birth date not in the future and
// the ISO 7064 MOD 11-2 check character. '' when it is right, else why
// not, in words a person at the desk can act on.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
export function idNumberProblem(text) {
	const t = String(text).trim().toUpperCase();
	if (t === '')
		return '请输入身份证号';
	if (!/^\d{0,17}$|^\d{17}[\dX]$/.test(t))
		return '身份证号由 17 位数字和最后 1 位数字或 X 组成';
	if (t.length < 18)
		return '已输入 ' + t.length + ' 位，需要 18 位';
	const y = +t.slice(6, 10), m = +t.slice(10, 12), d = +t.slice(12, 14);
	const born = new Date(Date.UTC(y, m - 1, d));
	const iso = t.slice(6, 10) + '-' + t.slice(10, 12) + '-' + t.slice(12, 14);
	if (y < 1900 || born.getUTCFullYear() !== y ||
	    born.getUTCMonth() !== m - 1 || born.getUTCDate() !== d)
		return '身份证号中的出生日期不存在';
	if (iso > today())
		return '身份证号中的出生日期在今天之后';
	let sum = 0;
	for (let i = 0; i < 17; i++)
		sum += (t.charCodeAt(i) - 48) * WEIGHTS[i];
	if ('10X98765432'[sum % 11] !== t[17])
		return '身份证号校验位不正确，请逐位核对';
	return '';
}

// The day before the same date a year later: a year's validity.
function yearFrom(d) {
	let next = String(+d.slice(0, 4) + 1).padStart(4, '0') + d.slice(4);
	if (d.slice(5) === '02-29')
		next = next.slice(0, 5) + '03-01';
	return addDays(next, -1);
}

function categorySelect(name, value, attrs) {
	return select(name, CATEGORIES.map((c) => [c, CATEGORY_LABEL[c]]), value,
	    attrs);
}

export async function render(main, ctx) {
	const p = ctx.params;
	if (p.get('new') && ctx.canWrite)
		return renderNew(main, ctx);
	if (p.get('id'))
		return renderOne(main, ctx, p.get('id'));
	return renderList(main, ctx);
}

// ---- the list -----------------------------------------------------------

function nameOf(hh) {
	return hh.head_name !== undefined ? hh.head_name : hh.name_masked;
}

function listCols(ctx, recert) {
	const cols = [];
	cols.push({ label: '编号', num: true, get: (r) => String(r.id) });
	if (ctx.session.role !== 'auditor')
		cols.push({ label: '卡号', get: (r) => r.card_code || '' });
	cols.push({ label: '户主', get: (r) =>
	    link(nameOf(r) || '（无）', 'households', { id: r.id }) });
	cols.push({ label: '类别', get: (r) => CATEGORY_LABEL[r.category] ||
	    r.category });
	cols.push({ label: '人数', num: true, get: (r) => num(r.members) });
	cols.push({ label: '电话', get: (r) => r.phone || '' });
	cols.push({ label: '积分', num: true, get: (r) => num(r.points) });
	cols.push({ label: '有效期至', get: (r) => recert ? expiryNote(r) :
	    r.valid_to });
	cols.push({ label: '状态', get: (r) => statusBadge(r.status) });
	return cols;
}

function expiryNote(r) {
	const t = today();
	if (r.valid_to < t)
		return h('span', null, r.valid_to + ' ', badge('已到期', 'bad'));
	let n = 0;
	while (n <= 3650 && addDays(t, n) < r.valid_to)
		n++;
	return h('span', null, r.valid_to + ' ',
	    badge(n === 0 ? '今天到期' : n + ' 天后到期', 'warn'));
}

async function renderList(main, ctx) {
	const p = ctx.params;
	const q = (p.get('q') || '').trim();
	const category = p.get('category') || '';
	const status = p.get('status') || '';
	const recert = p.get('recert') === '1';

	main.append(header(recert ? '受助家庭 · 待复核' : '受助家庭',
	    recert ? link('全部家庭', 'households') :
		link('待复核名单（' + RECERT_DAYS + ' 天内到期或已到期）',
		    'households', { recert: '1' }),
	    ctx.canWrite ? h('button', { type: 'button', class: 'primary',
		id: 'households-new', onclick: () => ctx.go('households',
		    { new: '1' }) }, '登记新家庭') : null));

	const search = input('q', { id: 'households-search', value: q,
	    type: 'search', maxlength: 60, autofocus: true,
	    placeholder: ctx.session.role === 'auditor' ? '刷卡或输入卡号、电话尾号' :
		'刷卡，或输入卡号、姓名、电话尾号' });
	const f = form({ id: 'households-filter' }, [
	    h('div', { class: 'row' },
		field('查找', search),
		field('类别', select('category', [['', '全部']].concat(
		    CATEGORIES.map((c) => [c, CATEGORY_LABEL[c]])), category,
		    { id: 'households-category' })),
		field('状态', select('status', [['', '全部'], ['active', '有效'],
		    ['suspended', '已暂停'], ['expired', '已过期']], status,
		    { id: 'households-status' })),
		h('button', { type: 'submit', id: 'households-search-go' }, '查找'))],
	async (v) => {
		const t = v.q.trim();
		// A card scanned or typed whole opens its household at once.
		if (CARD_RE.test(t)) {
			try {
				const hh = await api('GET', '/api/v1/households/by-card/' +
				    encodeURIComponent(t));
				ctx.go('households', { id: hh.id });
				return;
			} catch (e) {
				if (!(e instanceof ApiError) || e.status !== 404)
					throw e;
			}
		}
		const np = { q: t, category: v.category, status: v.status };
		if (recert)
			np.recert = '1';
		for (const k of Object.keys(np))
			if (!np[k])
				delete np[k];
		ctx.go('households', np);
	});
	main.append(section(null, f));

	const filters = { category, status };
	if (recert)
		filters.expiring_within_days = RECERT_DAYS;
	const cols = listCols(ctx, recert);
	const out = h('div', { id: 'households-list' });
	main.append(section(recert ? '有效期 ' + RECERT_DAYS +
	    ' 天内结束或已结束的家庭（复核后可续期）' : null, out));

	if (/^\d{3,11}$/.test(q)) {
		// A phone's last digits: the API's q matches cards and names, so
		// the tail is matched here, over the list the role may see.
		const all = await listAll('/api/v1/households' + qs(filters));
		const rows = all.filter((r) => r.phone &&
		    r.phone.replace(/\D/g, '').endsWith(q));
		out.append(h('p', { class: 'muted' }, '电话尾号为 ' + q + ' 的家庭：' +
		    rows.length + ' 户'));
		out.append(table(cols, rows, { empty: '没有找到' }));
		return;
	}
	if (q)
		filters.q = q;
	out.append(await pagedTable('/api/v1/households' + qs(filters), cols,
	    { empty: q ? '没有找到“' + q + '”' : '暂无家庭' }));
}

// ---- register -------------------------------------------------------------

function idField(id) {
	const inp = input('id_number', { id, maxlength: 18, inputmode: 'text',
	    required: true, autocomplete: 'off' });
	const msg = h('small', { id: id + '-msg', class: 'households-idmsg',
	    'aria-live': 'polite' });
	const check = () => {
		clear(msg);
		const t = inp.value.trim();
		if (t === '')
			return;
		const why = idNumberProblem(t);
		msg.className = 'households-idmsg ' + (why ? 'bad' : 'ok');
		msg.append(why || '✓ 身份证号格式与校验位正确');
		inp.setAttribute('aria-invalid', why ? 'true' : 'false');
	};
	inp.addEventListener('input', check);
	return h('label', { class: 'field' }, h('span', null, '身份证号'), inp, msg);
}

function renderNew(main, ctx) {
	const t = today();
	main.append(header('登记新家庭', link('返回列表', 'households')));
	const dupe = h('div', { id: 'households-new-dupe', role: 'alert' });
	const f = form({ id: 'households-new-form' }, [
		h('div', { class: 'row' },
		    field('卡号', input('card_code', { id: 'households-new-card',
			maxlength: 32, required: true }), '字母、数字、- 或 _'),
		    field('户主姓名', input('head_name', { id: 'households-new-name',
			maxlength: 60, required: true })),
		    idField('households-new-idnumber')),
		h('div', { class: 'row' },
		    field('家庭人数', input('members', { id: 'households-new-members',
			type: 'number', min: 1, max: 50, value: '1' })),
		    field('类别', categorySelect('category', 'low_income',
			{ id: 'households-new-category' })),
		    field('街道', input('street', { id: 'households-new-street',
			maxlength: 100 })),
		    field('电话（可不填）', input('phone', { id: 'households-new-phone',
			maxlength: 20, inputmode: 'tel' }))),
		h('div', { class: 'row' },
		    field('有效期自', input('valid_from', { id: 'households-new-from',
			type: 'date', value: t })),
		    field('有效期至', input('valid_to', { id: 'households-new-to',
			type: 'date', value: yearFrom(t) }))),
		dupe,
		h('button', { type: 'submit', id: 'households-new-submit' }, '登记'),
	], async (v) => {
		clear(dupe);
		const why = idNumberProblem(v.id_number);
		if (why)
			throw new Error(why);
		const members = Number(v.members);
		if (!Number.isInteger(members) || members < 1 || members > 50)
			throw new Error('家庭人数应为 1 至 50');
		for (const [k, label] of [['card_code', '卡号'],
		    ['head_name', '户主姓名'], ['street', '街道'],
		    ['valid_from', '有效期自'], ['valid_to', '有效期至']])
			if (!v[k].trim())
				throw new Error('请填写' + label);
		if (!CARD_RE.test(v.card_code.trim()))
			throw new Error('卡号只能由字母、数字、- 或 _ 组成（至多 32 位）');
		const body = {
			card_code: v.card_code.trim(),
			head_name: v.head_name.trim(),
			id_number: v.id_number.trim().toUpperCase(),
			members,
			category: v.category,
			street: v.street.trim(),
			valid_from: v.valid_from,
			valid_to: v.valid_to,
		};
		if (v.phone.trim())
			body.phone = v.phone.trim();
		let hh;
		try {
			hh = await api('POST', '/api/v1/households', body);
		} catch (e) {
			if (e.code === 'duplicate_household') {
				dupe.append(h('div', { class: 'flash error' },
				    '该身份证号已经登记过，不能重复登记。',
				    e.details && e.details.household_id ?
					link('查看已登记的家庭', 'households',
					    { id: e.details.household_id }) : null));
				return;
			}
			if (e.code === 'conflict')
				throw new Error('卡号 ' + body.card_code +
				    ' 已被使用（或是挂失停用的旧卡），请换一张卡');
			throw e;
		}
		ctx.go('households', { id: hh.id });
	});
	main.append(section(null, f));
}

// ---- one household ----------------------------------------------------------

function dl(pairs) {
	return h('dl', { class: 'households-facts' }, pairs.filter((x) =>
	    x[1] !== undefined && x[1] !== null).map(([k, v]) =>
	    [h('dt', null, k), h('dd', null, v)]));
}

async function renderOne(main, ctx, id) {
	const hh = await api('GET', '/api/v1/households/' + encodeURIComponent(id));
	if (ctx.stale())
		return;
	main.append(header('家庭 #' + hh.id + ' ' + (nameOf(hh) || ''),
	    link('返回列表', 'households')));
	main.append(section('基本信息', h('div', { id: 'households-detail' }, dl([
		['卡号', hh.card_code],
		['户主', hh.head_name !== undefined ? hh.head_name : undefined],
		['姓名（遮蔽）', hh.head_name === undefined ? hh.name_masked :
		    undefined],
		['身份证后四位', hh.id_last4],
		['类别', (CATEGORY_LABEL[hh.category] || hh.category) +
		    (hh.priority ? '（优先户）' : '')],
		['家庭人数', num(hh.members)],
		['街道', hh.street],
		['电话', hh.phone === '' ? '（无）' : hh.phone],
		['有效期', hh.valid_from + ' 至 ' + hh.valid_to],
		['状态', statusBadge(hh.status)],
		['积分余额', h('span', { id: 'households-points' },
		    num(hh.points))],
	]))));

	if (hh.limits && hh.limits.length)
		main.append(section('本月限购', table([
			{ label: '物品', get: (r) => r.name },
			{ label: '每月限额', num: true, get: (r) => num(r.monthly_limit) },
			{ label: '已领', num: true, get: (r) => num(r.taken) },
			{ label: '剩余', num: true, get: (r) => num(r.remaining) },
		], hh.limits)));

	if (ctx.canWrite)
		writeSections(main, ctx, hh);

	main.append(section('积分明细', await pagedTable('/api/v1/households/' +
	    hh.id + '/ledger', [
		{ label: '时间', get: (r) => datetime(r.at) },
		{ label: '类型', get: (r) => KIND_LABEL[r.kind] || r.kind },
		{ label: '积分', num: true, get: (r) => (r.points > 0 ? '+' : '') +
		    num(r.points) },
		{ label: '月份', get: (r) => r.period || '' },
		{ label: '说明', get: (r) => r.reason || '' },
	], { empty: '暂无积分记录', class: 'households-ledger' })));
}

function writeSections(main, ctx, hh) {
	const patch = (body) => api('PATCH', '/api/v1/households/' + hh.id, body);

	// Suspend and resume.
	const suspended = hh.status === 'suspended';
	main.append(section('暂停与恢复', h('p', null, suspended ?
	    '此家庭已暂停，收银台不能为其领取物品。' :
	    '暂停后，收银台将不能为此家庭领取物品，直到恢复。'),
	h('button', { type: 'button', id: suspended ? 'households-resume' :
	    'households-suspend', class: suspended ? 'primary' : 'danger',
	onclick: async (ev) => {
		if (!suspended && !await confirm('确认暂停此家庭？暂停期间不能领取物品。',
		    '暂停'))
			return;
		ev.target.disabled = true;
		try {
			await patch({ status: suspended ? 'active' : 'suspended' });
			ctx.reload();
			flash(suspended ? '已恢复' : '已暂停');
		} catch (e) {
			flash(errorText(e), 'error');
			ev.target.disabled = false;
		}
	} }, suspended ? '恢复' : '暂停')));

	// Renew: another year from the later of today and the end of validity.
	const base = hh.valid_to > today() ? hh.valid_to : today();
	main.append(section('续期（复核后）', form({ id: 'households-renew-form' },
	    [h('div', { class: 'row' },
		field('新的有效期至', input('valid_to', { id: 'households-renew-to',
		    type: 'date', value: yearFrom(addDays(base, 1)) })),
		h('button', { type: 'submit', id: 'households-renew' }, '续期'))],
	async (v) => {
		if (!v.valid_to)
			throw new Error('请选择日期');
		const body = { valid_to: v.valid_to };
		if (v.valid_to < hh.valid_from)
			throw new Error('有效期至不能早于有效期自 ' + hh.valid_from);
		await patch(body);
		ctx.reload();
		flash('已续期至 ' + v.valid_to);
	})));

	// Edit.
	main.append(section('修改信息', form({ id: 'households-edit-form' }, [
		h('div', { class: 'row' },
		    field('家庭人数', input('members', { id: 'households-edit-members',
			type: 'number', min: 1, max: 50, value: String(hh.members) })),
		    field('类别', categorySelect('category', hh.category,
			{ id: 'households-edit-category' })),
		    field('街道', input('street', { id: 'households-edit-street',
			maxlength: 100, value: hh.street || '' })),
		    field('电话', input('phone', { id: 'households-edit-phone',
			maxlength: 20, value: hh.phone || '' }), '留空则清除')),
		h('div', { class: 'row' },
		    field('有效期自', input('valid_from', { id: 'households-edit-from',
			type: 'date', value: hh.valid_from })),
		    field('有效期至', input('valid_to', { id: 'households-edit-to',
			type: 'date', value: hh.valid_to }))),
		h('p', { class: 'muted' }, '卡号、户主姓名和身份证号登记后不能修改；' +
		    '卡丢失请用下面的“补办卡”。'),
		h('button', { type: 'submit', id: 'households-edit-save' }, '保存'),
	], async (v) => {
		const members = Number(v.members);
		if (!Number.isInteger(members) || members < 1 || members > 50)
			throw new Error('家庭人数应为 1 至 50');
		if (!v.street.trim())
			throw new Error('请填写街道');
		await patch({ members, category: v.category, street: v.street.trim(),
		    phone: v.phone.trim(), valid_from: v.valid_from,
		    valid_to: v.valid_to });
		ctx.reload();
		flash('已保存');
	})));

	// A lost card: the new card works at once and the old one never again.
	main.append(section('补办卡（挂失）', form({ id: 'households-card-form' },
	    [h('div', { class: 'row' },
		field('新卡号', input('card_code', { id: 'households-card-code',
		    maxlength: 32 }), '刷新卡或输入卡号'),
		field('原因', input('reason', { id: 'households-card-reason',
		    maxlength: 60, value: '卡丢失' })),
		h('button', { type: 'submit', id: 'households-card-submit' },
		    '补办'))],
	async (v, f) => {
		const card = v.card_code.trim();
		if (!CARD_RE.test(card))
			throw new Error('卡号只能由字母、数字、- 或 _ 组成（至多 32 位）');
		if (!v.reason.trim())
			throw new Error('请填写原因');
		if (!await confirm('补办后旧卡 ' + (hh.card_code || '') +
		    ' 立即失效，且不再发放。确认换成新卡 ' + card + '？', '补办'))
			return;
		try {
			await api('POST', '/api/v1/households/' + hh.id + '/card',
			    { card_code: card, reason: v.reason.trim() });
		} catch (e) {
			if (e.code === 'conflict')
				throw new Error('卡号 ' + card +
				    ' 已被使用或曾挂失停用，请换一张卡');
			throw e;
		}
		f.renew();
		ctx.reload();
		flash('已补办新卡 ' + card + '，旧卡已停用');
	})));
}
