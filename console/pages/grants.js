// Policies and grants: each category's monthly points, the month's grant
// (a dry run first, then the real one, and whether it ran already) and
// one-off grants with a reason.
import { h, add, clear } from '../lib/dom.js';
import { api, listAll } from '../lib/api.js';
import { num, datetime, month } from '../lib/fmt.js';
import { header, section, table, field, input, form, confirm,
	flash, errorText, badge, link } from '../lib/ui.js';
import { CATEGORY_LABEL, CATEGORIES, statusBadge } from './households.js';

const POINTS_MAX = 100000000;

function categoryText(c) {
	return CATEGORY_LABEL[c] || c;
}

function points(text, label, min) {
	const t = String(text).trim();
	const n = /^\d{1,9}$/.test(t) ? Number(t) : NaN;
	if (!(n >= (min || 0) && n <= POINTS_MAX))
		throw new Error(label + '应为 ' + (min || 0) + ' 至 ' +
		    num(POINTS_MAX) + ' 的整数');
	return n;
}

export async function render(main, ctx) {
	main.append(header('政策与发放'));
	await policies(main, ctx);
	const monthly = h('div', { id: 'grants-monthly' });
	main.append(section('月度积分发放', monthly));
	await monthlySection(monthly, ctx);
	if (ctx.canWrite)
		oneOff(main, ctx);
}

// ---- policies -----------------------------------------------------------------

async function policies(main, ctx) {
	const list = await listAll('/api/v1/policies');
	const by = {};
	for (const p of list)
		by[p.category] = p;
	const cats = CATEGORIES.concat(list.map((p) => p.category)
	    .filter((c) => !CATEGORIES.includes(c)));
	const grant = (p) => p ? num(p.monthly_points) +
	    (p.per_member_points ? ' + ' + num(p.per_member_points) + ' × 人数' :
		'') : '—';
	const intro = h('p', { class: 'muted' }, '每户每月积分 = 基础积分 + ' +
	    '每人积分 × 家庭人数。不结转的类别，下月发放前清零上月余额。');
	if (!ctx.canWrite) {
		main.append(section('各类别积分政策', intro, table([
			{ label: '类别', get: (c) => categoryText(c) },
			{ label: '每月积分', get: (c) => grant(by[c]) },
			{ label: '结转', get: (c) => by[c] ? (by[c].carry_over ? '是' :
			    '否') : '—' },
			{ label: '更新于', get: (c) => by[c] ? datetime(by[c].updated_at) :
			    '未设置' },
		], cats)));
		return;
	}
	main.append(section('各类别积分政策', intro,
	    cats.map((c) => policyRow(c, by[c]))));
}

// One category's policy, saved on its own.
function policyRow(c, saved) {
	const p = saved || { monthly_points: 0, per_member_points: 0,
		carry_over: false };
	const id = 'grants-policy-' + c;
	const row = h('div', { class: 'row' },
	    h('strong', { class: 'grants-cat' }, categoryText(c)),
	    field('基础积分', input('monthly_points', { id: id + '-monthly',
		inputmode: 'numeric', value: String(p.monthly_points), size: 8 })),
	    field('每人积分', input('per_member_points', { id: id + '-member',
		inputmode: 'numeric', value: String(p.per_member_points || 0),
		size: 8 })),
	    h('label', { class: 'check' }, h('input', { type: 'checkbox',
		name: 'carry_over', id: id + '-carry', checked: !!p.carry_over }),
		'余额结转到下月'),
	    h('button', { type: 'submit', id: id + '-save' }, '保存'),
	    h('small', { class: 'muted' }, saved ? '更新于 ' +
		datetime(saved.updated_at) : '尚未设置'));
	return form({ id, class: 'grants-policy' }, [row], async (v) => {
		const body = {
			monthly_points: points(v.monthly_points, '基础积分'),
			per_member_points: points(v.per_member_points, '每人积分'),
			carry_over: v.carry_over,
		};
		await api('PUT', '/api/v1/policies/' + encodeURIComponent(c), body);
		flash(categoryText(c) + '的政策已保存');
	});
}

// ---- the month's grant -----------------------------------------------------------

function figures(r, prefix) {
	return h('div', { class: 'grid grants-figures', id: prefix }, [
		['获发家庭', num(r.households) + ' 户', 'households'],
		['发放积分', num(r.points), 'points'],
		['清零家庭', num(r.expired_households || 0) + ' 户', 'expired-households'],
		['清零积分', num(r.expired_points || 0), 'expired-points'],
	].map(([l, v, id]) => h('div', null,
	    h('div', { class: 'figure', id: prefix + '-' + id }, v),
	    h('div', { class: 'figure-label' }, l))));
}

// Whether the month's grant ran, when, by whom, and what it gave.
function statusText(st) {
	if (!st.ran)
		return [badge('未发放', 'warn'), ' ' + st.period + ' 的月度积分尚未发放。'];
	const who = st.ran_by === 'system' ? '系统自动' : st.ran_by;
	return [badge('已发放', 'ok'), ' ' + st.period + ' 的月度积分已于 ' +
	    datetime(st.ran_at) + ' 由 ' + who + ' 发放；该月共 ' +
	    num(st.households) + ' 户，' + num(st.points) + ' 积分。'];
}

async function monthlySection(box, ctx, period) {
	period = period || month();
	clear(box);
	const st = await api('GET', '/api/v1/grants/monthly?period=' +
	    encodeURIComponent(period));
	box.append(h('p', { id: 'grants-status', class: 'grants-status' },
	    statusText(st)));
	if (!ctx.canWrite)
		return;
	const result = h('div', { id: 'grants-preview-result' });
	const f = form({ id: 'grants-monthly-form' }, [h('div', { class: 'row' },
	    field('月份', input('period', { id: 'grants-period', type: 'month',
		value: period, max: month() })),
	    h('button', { type: 'submit', id: 'grants-preview' }, '预览'))],
	async (v) => {
		clear(result);
		if (!/^\d{4}-\d{2}$/.test(v.period))
			throw new Error('请选择月份');
		if (v.period !== period) {
			// Another month: its status first, then its preview.
			await monthlySection(box, ctx, v.period);
			box.querySelector('#grants-preview').click();
			return;
		}
		const r = await api('POST', '/api/v1/grants/monthly',
		    { period: v.period, dry_run: true });
		const go = h('button', { type: 'button', class: 'primary',
		    id: 'grants-confirm' }, '确认发放');
		const none = r.households === 0 && r.expired_households === 0;
		add(result, [h('h3', null, v.period + ' 预览（尚未发放，未做任何修改）'),
		    figures(r, 'grants-preview'),
		    none ? h('p', { class: 'muted', id: 'grants-preview-none' },
			st.ran ? '该月已发放过，已获发的家庭不会重复获发。' :
			    '没有需要发放的家庭。') : null,
		    h('div', { class: 'actions' }, go)]);
		go.addEventListener('click', async () => {
			if (!await confirm('确认发放 ' + v.period + ' 的月度积分？' +
			    num(r.households) + ' 户，共 ' + num(r.points) + ' 积分。',
			    '发放'))
				return;
			go.disabled = true;
			try {
				const done = await api('POST', '/api/v1/grants/monthly',
				    { period: v.period });
				await monthlySection(box, ctx, v.period);
				box.append(h('div', { id: 'grants-done', class: 'flash ok' },
				    '已发放：' + num(done.households) + ' 户，共 ' +
				    num(done.points) + ' 积分' + (done.expired_households ?
					'；清零 ' + num(done.expired_households) + ' 户，' +
					num(done.expired_points) + ' 积分' : '') + '。'));
			} catch (e) {
				flash(errorText(e), 'error');
				go.disabled = false;
			}
		});
	});
	box.append(f, result);
}

// ---- one-off grants -------------------------------------------------------------

function oneOff(main, ctx) {
	const who = h('div', { id: 'grants-oneoff-who', class: 'muted' });
	let found = null;
	const card = input('card', { id: 'grants-oneoff-card', maxlength: 32,
	    placeholder: '刷卡或输入卡号' });
	const look = async () => {
		clear(who);
		found = null;
		const c = card.value.trim();
		if (!c)
			return null;
		try {
			found = await api('GET', '/api/v1/households/by-card/' +
			    encodeURIComponent(c));
			who.append(link((found.head_name || found.name_masked) + '（#' +
			    found.id + '）', 'households', { id: found.id }), ' ',
			statusBadge(found.status), ' 现有积分 ' + num(found.points));
		} catch (e) {
			who.append(e.status === 404 ? '没有这张卡' : errorText(e));
		}
		return found;
	};
	card.addEventListener('change', look);
	card.addEventListener('keydown', (ev) => {
		if (ev.key === 'Enter') {
			// A card scanned ends with Enter: look it up, do not submit.
			ev.preventDefault();
			look();
		}
	});
	const result = h('div', { id: 'grants-oneoff-result' });
	const f = form({ id: 'grants-oneoff-form' }, [
		h('div', { class: 'row' },
		    field('家庭卡号', card),
		    field('积分', input('points', { id: 'grants-oneoff-points',
			inputmode: 'numeric', size: 8 })),
		    field('原因', input('reason', { id: 'grants-oneoff-reason',
			maxlength: 60, size: 30 }))),
		who,
		h('button', { type: 'submit', id: 'grants-oneoff-submit' }, '发放'),
		result,
	], async (v, fm) => {
		clear(result);
		const pts = points(v.points, '积分', 1);
		if (!v.reason.trim())
			throw new Error('请填写原因');
		const hh = found && found.card_code === v.card.trim() ? found :
		    await look();
		if (!hh)
			throw new Error('请先刷卡或输入正确的卡号');
		const g = await api('POST', '/api/v1/grants', {
			client_id: fm.clientId,
			household_id: hh.id,
			points: pts,
			reason: v.reason.trim(),
		});
		fm.renew();
		result.append(h('div', { class: 'flash ok' }, '已向 ' +
		    (hh.head_name || hh.name_masked) + ' 发放 ' + num(g.points) +
		    ' 积分（' + g.reason + '）'));
		fm.querySelector('#grants-oneoff-points').value = '';
		fm.querySelector('#grants-oneoff-reason').value = '';
		await look();
	});
	main.append(section('临时救助（一次性发放）', f));
}
