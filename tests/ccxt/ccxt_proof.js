// Drives ccxt's own exchange clients against one Astra simulator and prints what they saw, one
// JSON object per line on stdout. The C++ test (ccxt_proof_test.cpp) owns the simulator, judges
// the results and paces the run through stdin:
//
//   -> {"check":"fetchMarkets",...}    ccxt's markets
//   -> {"check":"fetchOrderBook",...}  the REST book (the simulator is paused)
//   -> {"event":"ready"}               <- "resume": the simulator runs
//   (watchOrderBook and watchTrades until the book changed a few times and trades arrived)
//   -> {"event":"streaming"}           <- "paused": the simulator is paused, its last ticks queued
//   (wait until the book has stopped changing)
//   -> {"check":"watchOrderBook",...}
//   -> {"check":"watchTrades",...}
//   -> {"event":"done"}
//
// Any failure prints {"error":"..."} and exits non-zero. Only ccxt's urls are changed: the
// clients and their parsing are ccxt's, unchanged.
//
// usage: node ccxt_proof.js <ccxt install dir> <venue> <http base> <ws base> <unified symbol>
'use strict';

const readline = require('readline');

const [ccxtDir, venue, httpBase, wsBase, symbol] = process.argv.slice(2);
const ccxt = require(require.resolve('ccxt', {paths: [ccxtDir]}));

const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const lines = readline.createInterface({input: process.stdin});
const received = [];  // lines not yet asked for
const waiting = [];   // askers not yet answered
lines.on('line', (line) => {
  const next = waiting.shift();
  if (next)
    next(line.trim());
  else
    received.push(line.trim());
});
lines.on('close', () => {
  for (const next of waiting.splice(0)) next('');
});
const command = () => received.length ? Promise.resolve(received.shift()) :
                                        new Promise((resolve) => waiting.push(resolve));

function client() {
  switch (venue) {
    case 'binance': {
      const ex = new ccxt.pro.binance({
        options: {fetchMarkets: {types: ['spot']}, fetchCurrencies: false},
      });
      ex.urls.api.public = httpBase + '/api/v3';
      ex.urls.api.ws.spot = wsBase + '/ws';
      return ex;
    }
    case 'okx': {
      const ex = new ccxt.pro.okx({});
      ex.urls.api.rest = httpBase;
      ex.urls.api.ws = wsBase + '/ws/v5';
      return ex;
    }
    case 'kraken': {
      const ex = new ccxt.pro.kraken({});
      ex.urls.api.public = httpBase;
      ex.urls.api.ws.publicV2 = wsBase + '/v2';
      return ex;
    }
  }
  throw new Error('unknown venue ' + venue);
}

const levels = (side, n) => side.slice(0, n).map(([price, amount]) => [price, amount]);

async function main() {
  const ex = client();
  await ex.loadHttpProxyAgent();  // lets ccxt open plain ws:// URLs
  try {
    const markets = await ex.fetchMarkets();
    out({
      check: 'fetchMarkets',
      markets: markets.map((m) => ({symbol: m.symbol, id: m.id, base: m.base, quote: m.quote,
                                    type: m.type})),
    });
    await ex.loadMarkets();

    const rest = await ex.fetchOrderBook(symbol);
    out({check: 'fetchOrderBook', bids: rest.bids, asks: rest.asks});

    out({event: 'ready'});
    if ((await command()) !== 'resume') throw new Error('expected resume');

    // Watch both streams at once; each loop records what its watch* call returned.
    let book = undefined;
    let bookChanges = 0;
    let lastChange = Date.now();
    const trades = [];
    const seen = new Set();
    let stop = false;
    const watchBook = (async () => {
      while (!stop) {
        const b = await ex.watchOrderBook(symbol);
        const top = JSON.stringify([levels(b.bids, 10), levels(b.asks, 10)]);
        if (top !== book) {
          book = top;
          ++bookChanges;
          lastChange = Date.now();
        }
      }
    })();
    const watchTrades = (async () => {
      while (!stop) {
        for (const t of await ex.watchTrades(symbol)) {
          const key = t.id + '|' + t.timestamp + '|' + t.price + '|' + t.amount;
          if (seen.has(key)) continue;
          seen.add(key);
          trades.push({id: t.id, price: t.price, amount: t.amount, side: t.side});
        }
      }
    })();
    const failed = Promise.race([watchBook, watchTrades]);
    failed.catch(() => {});

    const until = async (condition, ms, what) => {
      const deadline = Date.now() + ms;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error('timed out waiting for ' + what);
        await Promise.race([sleep(20), failed]);
      }
    };
    await until(() => bookChanges >= 5 && trades.length >= 3, 30000, 'book changes and trades');
    out({event: 'streaming', book_changes: bookChanges, trades: trades.length});
    if ((await command()) !== 'paused') throw new Error('expected paused');
    // The simulator is paused and its last messages are queued: the book settles.
    await until(() => Date.now() - lastChange > 750, 20000, 'the book to settle');
    const final = ex.orderbooks[symbol];
    out({check: 'watchOrderBook', changes: bookChanges, bids: levels(final.bids, 10),
         asks: levels(final.asks, 10)});
    out({check: 'watchTrades', trades});
    stop = true;
    out({event: 'done'});
  } finally {
    await ex.close();
  }
}

main().then(() => process.exit(0), (e) => {
  out({error: String(e && e.stack ? e.stack : e)});
  process.exit(1);
});
