// The peer baseline of astra-loadgen's `--scenario peer` (docs/BENCHMARKS.md, "Peer baseline:
// ccxt pro"): ccxt pro's binance watchOrderBook on the harness's Binance feed, one market, ccxt's
// own client and book code unchanged (only its urls point at the feed).
//
// The harness paces it through stdin and reads stdout, one JSON object per line:
//   -> {"event":"synced","u":N}   the first book resolved (snapshot plus diffs applied)
//   <- "begin"                    the measurement window starts
//   <- "end"                      it ends
//   -> {"event":"result",...}     u_begin/u_end: the book's nonce (Binance `u`) at both ends, so
//                                 applied diffs = (u_end - u_begin) / ids per diff; cpu_s:
//                                 process.cpuUsage() over the window; u[i], t[i]: for every
//                                 watchOrderBook resolve in the window, the book's nonce and
//                                 process.hrtime.bigint() (CLOCK_MONOTONIC, the harness's
//                                 steady_clock) right after it resolved. ccxt may apply several
//                                 diffs per resolve: latency is only known for the resolved ones.
// Any failure prints {"error":"..."} and exits non-zero.
//
// usage: node ccxt_watch_orderbook.js <ccxt install dir> <http base> <ws base> <unified symbol>
'use strict';

const readline = require('readline');

const [ccxtDir, httpBase, wsBase, symbol] = process.argv.slice(2);
const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

async function main() {
  const ccxt = require(require.resolve('ccxt', {paths: [ccxtDir]}));
  const ex = new ccxt.pro.binance({
    options: {fetchMarkets: {types: ['spot']}, fetchCurrencies: false},
  });
  ex.urls.api.public = httpBase + '/api/v3';
  ex.urls.api.ws.spot = wsBase + '/ws';
  await ex.loadHttpProxyAgent();  // lets ccxt open a plain ws:// URL

  const us = [];
  const ts = [];
  let measuring = false;
  let stop = false;
  let uBegin = 0;
  let cpuBegin = undefined;
  const lines = readline.createInterface({input: process.stdin});
  let ended;
  const endSeen = new Promise((resolve) => (ended = resolve));
  lines.on('line', (line) => {
    const word = line.trim();
    if (word === 'begin') {
      uBegin = ex.orderbooks[symbol] ? ex.orderbooks[symbol].nonce : 0;
      cpuBegin = process.cpuUsage();
      measuring = true;
    } else if (word === 'end') {
      ended();
    }
  });
  lines.on('close', () => ended());

  const watch = (async () => {
    let synced = false;
    while (!stop) {
      const book = await ex.watchOrderBook(symbol);
      const t = process.hrtime.bigint();
      if (!synced) {
        synced = true;
        out({event: 'synced', u: book.nonce});
      }
      if (measuring) {
        us.push(book.nonce);
        ts.push(t);
      }
    }
  })();
  await Promise.race([endSeen, watch]);
  measuring = false;
  stop = true;
  const cpu = process.cpuUsage(cpuBegin);
  const uEnd = ex.orderbooks[symbol] ? ex.orderbooks[symbol].nonce : 0;
  // hrtime values are BigInts: written as JSON integers by hand.
  const text = '{"event":"result","u_begin":' + uBegin + ',"u_end":' + uEnd + ',"cpu_s":' +
               (cpu.user + cpu.system) / 1e6 + ',"resolves":' + us.length + ',"u":[' +
               us.join(',') + '],"t":[' + ts.join(',') + ']}\n';
  // A pipe takes large writes asynchronously: wait until it has all, process.exit would cut it.
  await new Promise((resolve) => process.stdout.write(text, resolve));
  await ex.close();
}

main().then(() => process.exit(0), (e) => {
  out({error: String(e && e.stack ? e.stack : e)});
  process.exit(1);
});
