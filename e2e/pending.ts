import type { Page } from "@playwright/test";

/**
 * Watches for the "pending" mark on one section's card. A model reaches the next step boundary within
 * moments, sooner than a poll may look, so a mutation observer records the mark the moment it is added.
 */
export async function watchPendingMark(page: Page, sectionId: string): Promise<() => Promise<boolean>> {
  await page.evaluate((id) => {
    const w = window as unknown as { pendingSeen: boolean };
    w.pendingSeen = false;
    new MutationObserver((records) => {
      for (const record of records)
        for (const node of record.addedNodes) {
          if (!(node instanceof Element)) continue;
          const chip = node.matches(".chip.pending") ? node : node.querySelector(".chip.pending");
          if (chip?.closest("li.section-card")?.getAttribute("data-section-card") === id) w.pendingSeen = true;
        }
    }).observe(document.body, { childList: true, subtree: true });
  }, sectionId);
  return () => page.evaluate(() => (window as unknown as { pendingSeen: boolean }).pendingSeen);
}
