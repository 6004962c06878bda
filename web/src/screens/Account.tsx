import { useEffect } from "preact/hooks";
import { Screen } from "../components/Screen";
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
      <dl class="facts">
        <div>
          <dt>{t.email}</dt>
          <dd>{user.email ?? me.email}</dd>
        </div>
      </dl>
      <section aria-labelledby="plan-heading">
        <h2 id="plan-heading">{t.planTitle}</h2>
        <dl class="facts">
          <div>
            <dt>{t.planName}</dt>
            <dd>{plan.name}</dd>
          </div>
          <div>
            <dt>{t.booksToday}</dt>
            <dd>
              {plan.books_per_day === null
                ? count(plan.books_today)
                : t.usedOf(plan.books_today, plan.books_per_day)}
            </dd>
          </div>
          <div>
            <dt>{t.booksPerDay}</dt>
            <dd>{limit(plan.books_per_day)}</dd>
          </div>
          <div>
            <dt>{t.pagesPerBook}</dt>
            <dd>{count(plan.pages_per_book)}</dd>
          </div>
          <div>
            <dt>{t.fileSize}</dt>
            <dd>{t.megabytes(plan.file_mb)}</dd>
          </div>
          <div>
            <dt>{t.batchFiles}</dt>
            <dd>{count(plan.batch_files)}</dd>
          </div>
          <div>
            <dt>{t.concurrentJobs}</dt>
            <dd>{limit(plan.concurrent_jobs)}</dd>
          </div>
          <div>
            <dt>{t.engines}</dt>
            <dd>{plan.engines.join(", ")}</dd>
          </div>
          <div>
            <dt>{t.exportKinds}</dt>
            <dd>{plan.export_kinds.join(", ")}</dd>
          </div>
        </dl>
      </section>
      <section aria-labelledby="usage-heading">
        <h2 id="usage-heading">{t.usageTitle}</h2>
        <div class="table-wrap">
          <table>
            <caption>{t.usageCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{t.colKind}</th>
                <th scope="col">{t.colUsed}</th>
                <th scope="col">{t.colResets}</th>
              </tr>
            </thead>
            <tbody>
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
            </tbody>
          </table>
        </div>
      </section>
    </Screen>
  );
}
