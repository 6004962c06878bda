/** Google sign-in, and the Google access token a Sheets export needs (asked for only then,
 * with only the two scopes the export uses). Loaded on demand: it pulls in the popup code. */
import {
  browserPopupRedirectResolver,
  GoogleAuthProvider,
  linkWithPopup,
  reauthenticateWithPopup,
  signInWithPopup,
  type Auth,
  type UserCredential,
} from "@firebase/auth";

const SHEETS_SCOPES = [
  "https://www.googleapis.com/auth/spreadsheets",
  "https://www.googleapis.com/auth/drive.file",
];

export async function signInWithGoogle(auth: Auth): Promise<void> {
  await signInWithPopup(auth, new GoogleAuthProvider(), browserPopupRedirectResolver);
}

/** An OAuth access token for the user's Google account with the Sheets scopes: their
 * Google sign-in again with those scopes, or their Google account linked to them. */
export async function sheetsAccessToken(auth: Auth): Promise<string> {
  const user = auth.currentUser;
  if (!user) throw new Error("Not signed in");
  const provider = new GoogleAuthProvider();
  for (const scope of SHEETS_SCOPES) provider.addScope(scope);
  const hasGoogle = user.providerData.some((p) => p.providerId === GoogleAuthProvider.PROVIDER_ID);
  const result: UserCredential = hasGoogle
    ? await reauthenticateWithPopup(user, provider, browserPopupRedirectResolver)
    : await linkWithPopup(user, provider, browserPopupRedirectResolver);
  const token = GoogleAuthProvider.credentialFromResult(result)?.accessToken;
  if (!token) throw new Error("Google gave no access token");
  return token;
}
