// Volunteers (志愿服务): the register as the server shows it to the role
// (names and phones whole for managers and admins, masked for auditors),
// a new volunteer, and one volunteer's service record (公益记录) with a
// shift to record and the record to print.
import { h } from '../lib/dom.js';
import { api, listAll } from '../lib/api.js';
import { parseInt10, today } from '../lib/fmt.js';
import { header, section, table, field, input, form, flash, link } from
	'../lib/ui.js';

export function hours(min) {
	return Math.floor(min / 60) + '小时' + (min % 60) + '分';
}

export async function render(main, ctx) {
	if (ctx.params.get('id'))
		return renderOne(main, ctx, ctx.params.get('id'));
	return renderList(main, ctx);
}

function who(v) {
	return v.name || v.name_masked;
}

async function renderList(main, ctx) {
	const vols = await listAll('/api/v1/volunteers');
	if (ctx.stale())
		return;
	main.append(header('志愿者'));
	main.append(section(null, table([
		{ label: '编号', get: (v) => String(v.id) },
		{ label: '姓名', get: (v) => link(who(v), 'volunteers',
		    { id: v.id }) },
		{ label: '电话', get: (v) => v.phone },
		{ label: '累计服务', num: true, get: (v) => hours(v.total_minutes) },
		{ label: '状态', get: (v) => v.checked_in ? '已签到' : '' },
	], vols, { empty: '还没有志愿者',
	    rowAttrs: (v) => ({ 'data-volunteer': v.id }) })));
	if (ctx.canWrite)
		main.append(createForm(ctx));
}

function createForm(ctx) {
	const f = form({ id: 'volunteers-new-form' }, [
		h('div', { class: 'row' },
		    field('姓名', input('name', { id: 'volunteers-new-name',
			maxlength: 20, size: 12 })),
		    field('电话', input('phone', { id: 'volunteers-new-phone',
			maxlength: 20, size: 14 })),
		    field('身份证号', input('id_number', {
			id: 'volunteers-new-idnum', maxlength: 18, size: 20 }),
			'可不填；只保存其加密散列，用来防止重复登记')),
		h('div', null, h('button', { type: 'submit',
		    id: 'volunteers-new-submit' }, '登记志愿者')),
	], async (v) => {
		if (!v.name.trim())
			throw new Error('请填写姓名');
		const body = { name: v.name.trim() };
		if (v.phone.trim())
			body.phone = v.phone.trim();
		if (v.id_number.trim())
			body.id_number = v.id_number.trim();
		let vol;
		try {
			vol = await api('POST', '/api/v1/volunteers', body);
		} catch (e) {
			if (e.code === 'duplicate_volunteer')
				throw new Error('此身份证号已登记为志愿者（编号 ' +
				    e.details.volunteer_id + '）');
			throw e;
		}
		ctx.go('volunteers', { id: vol.id });
	});
	return section('登记志愿者', f);
}

// ---- one volunteer -------------------------------------------------------

async function renderOne(main, ctx, id) {
	const path = '/api/v1/volunteers/' + encodeURIComponent(id);
	const rec = await api('GET', path + '/record');
	if (ctx.stale())
		return;
	const v = rec.volunteer;
	main.append(header(who(v) + ' 的志愿服务记录',
	    link('返回志愿者列表', 'volunteers'),
	    h('button', { type: 'button', id: 'volunteers-print',
		onclick: () => window.print() }, '打印')));
	main.append(section(null, h('div', { class: 'grid' },
	    h('div', null, h('div', { class: 'figure', id: 'volunteers-total' },
		hours(rec.total_minutes)),
		h('div', { class: 'figure-label' }, '累计服务时长')),
	    h('div', null, h('div', { class: 'figure' }, v.phone || '—'),
		h('div', { class: 'figure-label' }, '电话')),
	    h('div', null, h('div', { class: 'figure' },
		v.checked_in ? '已签到' : '未签到'),
		h('div', { class: 'figure-label' }, '收银台签到')))));
	if (ctx.canWrite)
		main.append(shiftForm(ctx, v));
	main.append(section('年度合计', h('div', { id: 'volunteers-years' },
	    table([
		{ label: '年度', get: (y) => y.year + '年' },
		{ label: '次数', num: true, get: (y) => String(y.shifts) },
		{ label: '时长', num: true, get: (y) => hours(y.minutes) },
	    ], rec.years, { empty: '还没有服务记录' }))));
	main.append(section('服务明细', h('div', { id: 'volunteers-shifts' },
	    table([
		{ label: '日期', get: (s) => s.served_on },
		{ label: '岗位', get: (s) => s.role },
		{ label: '来源', get: (s) => s.source === 'till' ?
		    '收银台签到（' + s.till_id + '）' : '管理员登记' },
		{ label: '时长', num: true, get: (s) => hours(s.minutes) },
	    ], rec.shifts.slice().reverse(), { empty: '还没有服务记录',
		rowAttrs: (s) => ({ 'data-shift': s.id }) }))));
}

function shiftForm(ctx, v) {
	const f = form({ id: 'volunteers-shift-form' }, [
		h('div', { class: 'row' },
		    field('日期', input('served_on', { id: 'volunteers-shift-date',
			type: 'date', value: today(), max: today() })),
		    field('时长（分钟）', input('minutes', {
			id: 'volunteers-shift-minutes', inputmode: 'numeric',
			size: 6 }), '1 到 1440；一天合计不超过 24 小时'),
		    field('岗位', input('role', { id: 'volunteers-shift-role',
			maxlength: 13, size: 10, placeholder: '如 理货' }))),
		h('div', null, h('button', { type: 'submit',
		    id: 'volunteers-shift-submit' }, '记录服务')),
	], async (x, fm) => {
		const minutes = parseInt10(x.minutes, 1, 1440);
		if (minutes === null)
			throw new Error('时长应为 1 到 1440 分钟');
		if (!x.role.trim())
			throw new Error('请填写岗位');
		try {
			await api('POST', '/api/v1/volunteers/' + v.id + '/shifts',
			    { client_id: fm.clientId, served_on: x.served_on,
				minutes, role: x.role.trim() });
		} catch (e) {
			if (e.code === 'day_over_24h')
				throw new Error('这一天已记录 ' +
				    hours(e.details.day_minutes) +
				    '，合计不能超过 24 小时');
			if (e.code === 'future_date')
				throw new Error('日期不能晚于今天');
			throw e;
		}
		fm.renew();
		ctx.reload();
		flash('已记录 ' + hours(minutes));
	});
	return section('记录一次服务', f);
}
