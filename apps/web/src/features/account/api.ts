import { client } from '../../app/stores.js';
import { createAccountApi } from './account-api.js';

/** The app's account flows on its one client. */
export const accountApi = createAccountApi(client);
