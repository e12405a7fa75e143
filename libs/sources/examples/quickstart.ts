// Runnable tour of @spyglass/sources against `spyglass sim serve` (or the real API with a key):
//   npm run spyglass -- sim serve --port 8080 --speed 60 &
//   node --import tsx libs/sources/examples/quickstart.ts http://127.0.0.1:8080 ws://127.0.0.1:8080 [YYYY-MM-DD]
// The key comes from MASSIVE_API_KEY (the simulator accepts any); this script is an app, so it may read env.
import { ContractSelector, EquityClient, IndexClient, MassiveRest, NewsClient, OptionsClient, createStockStream } from '@spyglass/sources';

const [restBaseUrl = 'http://127.0.0.1:8080', wsBaseUrl = 'ws://127.0.0.1:8080', day = '2025-03-04'] = process.argv.slice(2);
const apiKey = process.env.MASSIVE_API_KEY ?? process.env.POLYGON_API_KEY ?? 'demo-key';
const rest = new MassiveRest({ apiKey, restBaseUrl });

const spy = await new EquityClient(rest).minuteBars('SPY', day, day);
console.log(`SPY ${day}: ${spy.records.length} minute bars in ${spy.pages} page(s), ${spy.rejected.length} rejected; first ${JSON.stringify(spy.records[0])}`);

const vix = await new IndexClient(rest).minuteBars('I:VIX', day, day);
console.log(`I:VIX ${day}: ${vix.records.length} bars, close ${vix.records.at(-1)?.close}`);

const options = new OptionsClient(rest);
const opening = await options.openingPrice('SPY', day);
const selector = new ContractSelector({ mode: 'prod', lister: options, params: { underlying: 'SPY', increment: 0.5, nCalls: 2, nPuts: 2, expiry: 'same_day' } });
const selection = await selector.select(day, opening.price);
console.log(`opening ${opening.price} (${opening.source}); calls ${selection.calls.map((c) => c.ticker).join(', ')}; puts ${selection.puts.map((c) => c.ticker).join(', ')}`);
for (const c of [...selection.calls, ...selection.puts]) {
  const bars = await options.minuteBars(c.ticker, day, day);
  console.log(`  ${c.ticker}: ${bars.records.length} bars (a minute without a trade has no bar)`);
}

const news = await new NewsClient(rest).articles({ ticker: 'SPY', from: day, to: day });
console.log(`news: ${news.records.length} SPY articles; first: ${news.records[0]?.title} [${news.records[0]?.sentiment}]`);

const stream = createStockStream({ apiKey, wsBaseUrl, subscriptions: ['AM.SPY'] });
let n = 0;
for await (const ev of stream) {
  if (ev.type === 'status') console.log(`ws status: ${ev.status}`);
  if (ev.type === 'reconnected') console.log(`ws reconnected: back-fill ${new Date(ev.gapFrom).toISOString()} → ${new Date(ev.gapTo).toISOString()}`);
  if (ev.type === 'bar' && ++n <= 3) console.log(`ws bar ${new Date(ev.bar.timestamp).toISOString()} close ${ev.bar.close}`);
  if (n === 3) break;
}
await stream.close();
