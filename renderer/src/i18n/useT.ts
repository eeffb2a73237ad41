import { uiSelectors } from "../store/selectors";
import { useStore } from "../store/store";
import type { Translate } from "./index";

/** The translate function of the interface's language; components re-render when it changes. */
export function useT(): Translate {
  return useStore(uiSelectors.t);
}
