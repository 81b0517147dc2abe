import type { EsqlForm } from './form.js';
import { SUCCESS_LOGON, dayStart, isIn, minDate } from './form.js';

/**
 * Successful sign-ins of the UTC days the window touches, and every account disable, suspension,
 * deletion, enable, unsuspension and creation up to the window end (a user disabled years ago is
 * still disabled). The HRIS and directory tests run after, against the directory tables.
 */
export const form: EsqlForm = {
  id: 'terminated_user_signin',
  async reads(_p, win) {
    return [
      { where: SUCCESS_LOGON, from: minDate(dayStart(win.from), win.contextFrom), to: win.to },
      { where: isIn('action', ['account_disable', 'account_suspend', 'account_delete', 'account_enable', 'account_unsuspend', 'account_create']), from: null, to: win.to },
    ];
  },
};
