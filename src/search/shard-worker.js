// Builds Pagefind bundles, one per message, in this thread's own Pagefind service: one
// service indexes one thing at a time (measured: two indexes fed at once in one service take
// as long as one after the other), so each worker thread brings a core of its own.
// Plain JavaScript: it needs nothing from the TypeScript code, and so no loader.
import { parentPort } from 'node:worker_threads';
import { close, createIndex } from 'pagefind';

parentPort.on('message', async ({ outputPath, records, stop }) => {
  if (stop) {
    await close();
    parentPort.postMessage({ ok: true });
    return;
  }
  try {
    const { index, errors } = await createIndex({ forceLanguage: 'zh' });
    if (!index) throw new Error(`Pagefind could not start: ${errors.join('; ')}`);
    for (const record of records) {
      const added = await index.addHTMLFile(record);
      if (added.errors.length > 0) throw new Error(`indexing ${record.url}: ${added.errors.join('; ')}`);
    }
    const written = await index.writeFiles({ outputPath });
    if (written.errors.length > 0) throw new Error(`writing ${outputPath}: ${written.errors.join('; ')}`);
    await index.deleteIndex();
    parentPort.postMessage({ ok: true });
  } catch (error) {
    parentPort.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
  }
});
