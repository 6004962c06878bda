/** Firebase Authentication (modular SDK, auth only): e-mail link sign-in, and locally the
 * Auth emulator. Google sign-in lives in ./google, loaded only when used. */
import { initializeApp } from "@firebase/app";
import {
  browserLocalPersistence,
  connectAuthEmulator,
  indexedDBLocalPersistence,
  initializeAuth,
  isSignInWithEmailLink,
  sendSignInLinkToEmail,
  signInWithEmailLink,
  signOut,
  type Auth,
} from "@firebase/auth";
import type { AppConfig } from "../config";

const EMAIL_KEY = "fnt.signInEmail";

export function startAuth(config: AppConfig): Auth {
  const app = initializeApp(config.firebase);
  // No popup resolver here: it would load Google's iframe at start; ./google passes it.
  const auth = initializeAuth(app, {
    persistence: [indexedDBLocalPersistence, browserLocalPersistence],
  });
  if (config.authEmulatorUrl)
    connectAuthEmulator(auth, config.authEmulatorUrl, { disableWarnings: true });
  return auth;
}

export async function sendEmailLink(auth: Auth, email: string): Promise<void> {
  const url = `${window.location.origin}/`;
  // Kept first: the link may be opened before the request's answer is back.
  window.localStorage.setItem(EMAIL_KEY, email);
  try {
    await sendSignInLinkToEmail(auth, email, { url, handleCodeInApp: true });
  } catch (error) {
    window.localStorage.removeItem(EMAIL_KEY);
    throw error;
  }
}

/** Whether this page was opened from a sign-in link. */
export function openedFromEmailLink(auth: Auth): boolean {
  return isSignInWithEmailLink(auth, window.location.href);
}

/** The e-mail the link was sent to, when it was sent from this browser. */
export function rememberedEmail(): string | null {
  return window.localStorage.getItem(EMAIL_KEY);
}

export async function finishEmailLink(auth: Auth, email: string): Promise<void> {
  await signInWithEmailLink(auth, email, window.location.href);
  window.localStorage.removeItem(EMAIL_KEY);
  // The link's one-time code has no use in the address bar or the history.
  window.history.replaceState(null, "", "/");
}

export function signOutUser(auth: Auth): Promise<void> {
  return signOut(auth);
}
