import { Link } from "../components/Link";
import { Screen } from "../components/Screen";
import { t } from "../i18n";

export function NotFound() {
  return (
    <Screen title={t.notFoundTitle}>
      <p>{t.notFoundBody}</p>
      <p>
        <Link href="/">{t.goHome}</Link>
      </p>
    </Screen>
  );
}
