import type { ComponentChildren } from "preact";
import { navigate } from "../router";

interface Props {
  href: string;
  children: ComponentChildren;
  class?: string | undefined;
  "aria-current"?: "page" | undefined;
}

/** A real link (it opens in a new tab, it can be copied) that moves within the app. */
export function Link({ href, children, ...rest }: Props) {
  const onClick = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
      return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
