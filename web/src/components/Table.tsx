import type { ComponentChildren } from "preact";

export interface Column {
  label: string;
  numeric?: boolean; // right-aligned, as its cells are
}

/** A numeric column's heading. */
export function numeric(label: string): Column {
  return { label, numeric: true };
}

interface Props {
  caption: string;
  columns: (string | Column)[];
  children: ComponentChildren; // the rows
}

/** A table named by its caption, with a heading for each column; it scrolls on its own
 * on a narrow screen. */
export function Table({ caption, columns, children }: Props) {
  return (
    <div class="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => {
              const { label, numeric } = typeof column === "string" ? { label: column } : column;
              return (
                <th key={label} scope="col" class={numeric ? "num" : undefined}>
                  {label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
