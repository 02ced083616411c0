/**
 * Why a sign-in failed, in words a user (or, for an admin's mistake, the admin) can act on. Each
 * failure has a stable code (tests, logs), an HTTP status for the page, and where the fix is an
 * Azure portal step, that step. Nothing here ever carries a token, code or secret.
 */
export interface SignInFailureInfo {
  code: string;
  status: number;
  title: string;
  message: string;
  /** The portal step that fixes an admin's mistake. */
  hint?: string;
}

export class SignInFailure extends Error {
  constructor(readonly info: SignInFailureInfo) {
    super(info.message);
    this.name = 'SignInFailure';
  }
}

const fail = (info: SignInFailureInfo): SignInFailure => new SignInFailure(info);

const START_AGAIN = 'Start again from the login page.';
const ASK_ADMIN = 'Ask your administrator.';
const NEW_SECRET =
  'Azure portal → App registrations → your app → Certificates & secrets → New client secret; ' +
  'enter its Value in the ONES server settings.';

export const signInFailures = {
  badRequest: (fields: string[]) =>
    fail({
      code: 'invalid_request',
      status: 400,
      title: 'This sign-in link is not valid',
      message: `Invalid request: ${fields.join('; ')}.`,
    }),
  unknownIntegration: () =>
    fail({
      code: 'unknown_integration',
      status: 404,
      title: 'Unknown sign-in',
      message: 'There is no Microsoft 365 integration with this ID.',
    }),
  disabled: () =>
    fail({
      code: 'sign_in_disabled',
      status: 400,
      title: 'Sign-in with Microsoft is off',
      message:
        'Sign-in with Microsoft is not enabled for this integration. An administrator can turn it on in the user settings.',
    }),
  returnToNotAllowed: () =>
    fail({
      code: 'return_to_not_allowed',
      status: 400,
      title: 'This sign-in link is not valid',
      message: 'The page to return to after sign-in (returnTo) is not on an allowed origin of this integration.',
      hint: 'User settings → Sign-in → allowed return origins: add the exact origin of the ONES login page (scheme, host and port).',
    }),
  unknownState: () =>
    fail({
      code: 'unknown_state',
      status: 400,
      title: 'This sign-in has expired or was already used',
      message: `The sign-in response does not belong to a sign-in in progress: it expired, was used before, or was started elsewhere. ${START_AGAIN}`,
    }),
  otherBrowser: () =>
    fail({
      code: 'browser_mismatch',
      status: 400,
      title: 'This sign-in was started in another browser',
      message: `The sign-in response arrived in a browser that did not start this sign-in. ${START_AGAIN}`,
    }),
  unknownUser: () =>
    fail({
      code: 'unknown_user',
      status: 403,
      title: 'Your account is not set up in ONES',
      message: `You signed in with Microsoft, but your account is not among the users ONES synchronises from this organization. ${ASK_ADMIN}`,
    }),
  deactivatedUser: () =>
    fail({
      code: 'deactivated_user',
      status: 403,
      title: 'Your account is deactivated in ONES',
      message: `You signed in with Microsoft, but your ONES account is deactivated. ${ASK_ADMIN}`,
    }),
  token: (code: string, message: string) =>
    fail(
      code === 'foreign_tenant'
        ? { code, status: 403, title: 'This account belongs to another organization', message }
        : { code, status: 400, title: 'The sign-in response could not be verified', message },
    ),
  unavailable: () =>
    fail({
      code: 'login_host_unavailable',
      status: 502,
      title: 'Microsoft could not be reached',
      message: 'The Microsoft sign-in service did not answer. Try again in a moment.',
    }),
};

interface MicrosoftError {
  title: string;
  message: string;
  hint?: string;
  status?: number;
}

/** AADSTS codes a sign-in meets, and what to tell. */
const MICROSOFT_ERRORS: Record<string, MicrosoftError> = {
  '50011': {
    title: 'The Redirect URI is not registered',
    message:
      'Microsoft refused the sign-in: the Redirect URI this service uses is not registered for the app (AADSTS50011).',
    hint:
      'Azure portal → App registrations → your app → Authentication → Add a platform → Web → ' +
      'paste the Redirect URI shown in the ONES user settings → Configure.',
  },
  '65001': {
    title: 'The app has no consent for sign-in',
    message: 'Microsoft refused the sign-in: the app has no consent to sign users in (AADSTS65001).',
    hint:
      'Azure portal → App registrations → your app → API permissions → Add a permission → Microsoft Graph → ' +
      'Delegated permissions → openid, profile → Add permissions → Grant admin consent for your organization.',
  },
  '700016': {
    title: 'The app is not in this organization',
    message: 'Microsoft refused the sign-in: the application was not found in the directory (AADSTS700016).',
    hint:
      "Compare the Client ID and Tenant ID in the ONES server settings with the app registration's Overview page " +
      '(Application (client) ID, Directory (tenant) ID).',
  },
  '7000215': {
    title: 'The client secret is wrong',
    message: "Microsoft refused the app's credentials (AADSTS7000215).",
    hint: NEW_SECRET,
  },
  '7000222': {
    title: 'The client secret has expired',
    message: "Microsoft refused the app's credentials: the client secret has expired (AADSTS7000222).",
    hint: NEW_SECRET,
  },
  '50020': {
    title: 'This account belongs to another organization',
    message: "The account is not in this organization's directory (AADSTS50020).",
    status: 403,
  },
  '50034': {
    title: 'Unknown account',
    message: "The account does not exist in this organization's directory (AADSTS50034).",
    status: 403,
  },
  '50057': {
    title: 'Your account is disabled',
    message: `Your Microsoft account is disabled (AADSTS50057). ${ASK_ADMIN}`,
    status: 403,
  },
  '65004': {
    title: 'Consent was declined',
    message: 'The consent to sign in was declined (AADSTS65004).',
    status: 403,
  },
};

/** A failure for an `error` Microsoft sent back (on the redirect, or from the token endpoint). */
export function microsoftFailure(error: string, description: string): SignInFailure {
  const aadsts = /AADSTS(\d+)/.exec(description)?.[1] ?? null;
  const known = aadsts ? MICROSOFT_ERRORS[aadsts] : undefined;
  if (known) {
    const { status = 400, hint, ...text } = known;
    return fail({ code: `aadsts_${aadsts}`, status, ...text, ...(hint ? { hint } : {}) });
  }
  const cancelled = error === 'access_denied';
  const firstLine = description.split(/\r?\n/)[0]!.slice(0, 300);
  return fail({
    code: error || 'microsoft_error',
    status: cancelled ? 403 : 400,
    title: cancelled ? 'Sign-in was cancelled' : 'Microsoft refused the sign-in',
    message: `Microsoft answered ${error || 'an error'}${firstLine ? `: ${firstLine}` : ''}`,
  });
}
