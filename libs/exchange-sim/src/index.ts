// Public entry of @spyglass/exchange-sim.
export { createExchangeSim } from './exchange-sim-server.js';
export type { ExchangeSim, ExchangeSimOptions, ExchangeSimStats } from './exchange-sim-server.js';
export { SyntheticMarket } from './synthetic-market.js';
export type { OptionContractFilter, SimMarketKind } from './synthetic-market.js';
export type { MarketConfig } from './market-config.js';
export type { SimBar, SimIndexBar } from './sim-bar.js';
export type { SimNewsArticle, SimNewsInsight, SimPublisher } from './news-generator.js';
export { NEWS_TICKERS, SPY_NEWS_DRIFT, SPILLOVER_NEWS_DRIFT, NEWS_DECAY_MINUTES } from './news-generator.js';
export type { OptionQuote } from './option-bars.js';
export { surfaceVol } from './iv-surface.js';
export { FaultKind } from './fault-injector.js';
export type { FaultOptions } from './fault-injector.js';
export type { ApiProduct } from './rest-api.js';
export { MAX_CONNECTIONS_MESSAGE } from './ws-feed.js';
export { simStats, simStatsForSeed, formatSimStats, countMoves } from './sim-stats.js';
export type { SimStats, SimStatsOptions } from './sim-stats.js';
