import { useEffect } from "preact/hooks";
import { Facts } from "../components/Facts";
import { Screen } from "../components/Screen";
import { Table } from "../components/Table";
import { count, time } from "../format";
import { t } from "../i18n";
import { useSession } from "../state/session";

const USAGE_CLASSES = ["processing", "exports", "reads"] as const;

export function Account() {
  const { me, user, refreshMe } = useSession();
  useEffect(refreshMe, []); // today's counts, fresh
  if (!me) {
    return (
      <Screen title={t.accountTitle}>
        <p role="status">{t.loading}</p>
      </Screen>
    );
  }
  const { plan } = me;
  const limit = (value: number | null) => (value === null ? t.noLimit : count(value));
  return (
    <Screen title={t.accountTitle}>
      <Facts facts={[[t.email, user.email ?? me.email]]} />
      <section aria-labelledby="plan-heading">
        <h2 id="plan-heading">{t.planTitle}</h2>
        <Facts
          facts={[
            [t.planName, plan.name],
            [
              t.booksToday,
              plan.books_per_day === null
                ? count(plan.books_today)
                : t.usedOf(plan.books_today, plan.books_per_day),
            ],
            [t.booksPerDay, limit(plan.books_per_day)],
            [t.pagesPerBook, count(plan.pages_per_book)],
            [t.fileSize, t.megabytes(plan.file_mb)],
            [t.batchFiles, count(plan.batch_files)],
            [t.concurrentJobs, limit(plan.concurrent_jobs)],
            [t.engines, plan.engines.join(", ")],
            [t.exportKinds, plan.export_kinds.join(", ")],
          ]}
        />
      </section>
      <section aria-labelledby="usage-heading">
        <h2 id="usage-heading">{t.usageTitle}</h2>
        <Table caption={t.usageCaption} columns={[t.colKind, t.colUsed, t.colResets]}>
          {USAGE_CLASSES.map((name) => {
            const quota = me.usage[name];
            return (
              <tr key={name}>
                <th scope="row">{t[`usage_${name}`]}</th>
                <td>{quota ? t.usedOf(quota.used, quota.limit) : t.noLimit}</td>
                <td>{quota ? time(quota.reset_at) : ""}</td>
              </tr>
            );
          })}
        </Table>
      </section>
    </Screen>
  );
}
