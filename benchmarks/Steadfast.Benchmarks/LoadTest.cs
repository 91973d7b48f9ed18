using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Steadfast.Benchmarks
{
    /// <summary>
    /// A bounded HTTP load test of a service on this machine:
    /// <c>load --url http://127.0.0.1:PORT [--clients 50] [--requests 5000] [--seconds 30] [--header "Name: value"]…
    /// --request "GET /path" [--request "POST /path {json}"]…</c>.
    /// Each client sends the requests round-robin, one at a time, until the total count or the time limit is reached;
    /// the report gives the status counts and the latency percentiles (p50, p95, p99) of each request line and of all.
    /// Only loopback addresses are accepted: the harness never loads a machine it does not own.
    /// </summary>
    public static class LoadTest
    {
        public static async Task<int> RunAsync(string[] args)
        {
            string? url = null;
            var clients = 50;
            var total = 5_000;
            var seconds = 30;
            var headers = new List<(string Name, string Value)>();
            var requests = new List<RequestLine>();
            for (var i = 0; i < args.Length - 1; i++)
            {
                var value = args[i + 1];
                switch (args[i])
                {
                    case "--url": url = value; i++; break;
                    case "--clients": clients = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                    case "--requests": total = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                    case "--seconds": seconds = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                    case "--header":
                        var colon = value.IndexOf(':', StringComparison.Ordinal);
                        if (colon <= 0)
                        {
                            throw new ArgumentException($"--header wants 'Name: value', got '{value}'");
                        }

                        headers.Add((value[..colon].Trim(), value[(colon + 1)..].Trim()));
                        i++;
                        break;
                    case "--request": requests.Add(RequestLine.Parse(value)); i++; break;
                }
            }

            if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var baseUri) || !baseUri.IsLoopback)
            {
                Console.Error.WriteLine("load: --url must be an absolute http(s) URL on 127.0.0.1 or localhost");
                return 2;
            }

            if (requests.Count == 0 || clients <= 0 || total <= 0 || seconds <= 0)
            {
                Console.Error.WriteLine("load: give at least one --request, and positive --clients, --requests and --seconds");
                return 2;
            }

            var results = await RunAsync(baseUri, clients, total, TimeSpan.FromSeconds(seconds), headers, requests);
            Print(results, clients, requests);
            return 0;
        }

        /// <summary>One kind of request: method, path and an optional JSON body.</summary>
        public sealed record RequestLine(HttpMethod Method, string Path, string? Body)
        {
            public static RequestLine Parse(string text)
            {
                var parts = text.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length < 2 || !parts[1].StartsWith('/'))
                {
                    throw new ArgumentException($"--request wants 'METHOD /path [json body]', got '{text}'");
                }

                return new RequestLine(new HttpMethod(parts[0].ToUpperInvariant()), parts[1], parts.Length == 3 ? parts[2] : null);
            }

            public override string ToString() => $"{Method} {Path}";
        }

        /// <summary>One request's outcome: its line, the status code (0 for a failure without a response) and its latency.</summary>
        public readonly record struct Sample(int Line, int Status, double Milliseconds);

        public static async Task<IReadOnlyList<Sample>> RunAsync(
            Uri baseUri, int clients, int total, TimeSpan limit, IReadOnlyList<(string Name, string Value)> headers, IReadOnlyList<RequestLine> requests)
        {
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
            using var http = new HttpClient(handler) { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(10) };
            using var stop = new CancellationTokenSource(limit);
            var samples = new List<Sample>[clients];
            var issued = 0;
            var workers = Enumerable.Range(0, clients).Select(async client =>
            {
                var mine = samples[client] = new List<Sample>();
                for (var n = client; !stop.IsCancellationRequested && Interlocked.Increment(ref issued) <= total; n++)
                {
                    var line = n % requests.Count;
                    using var message = new HttpRequestMessage(requests[line].Method, requests[line].Path);
                    foreach (var (name, value) in headers)
                    {
                        message.Headers.TryAddWithoutValidation(name, value);
                    }

                    if (requests[line].Body is { } body)
                    {
                        message.Content = new StringContent(body, Encoding.UTF8, "application/json");
                    }

                    var watch = Stopwatch.StartNew();
                    int status;
                    try
                    {
                        using var response = await http.SendAsync(message, stop.Token).ConfigureAwait(false);
                        _ = await response.Content.ReadAsByteArrayAsync(stop.Token).ConfigureAwait(false);
                        status = (int)response.StatusCode;
                    }
                    catch (OperationCanceledException) when (stop.IsCancellationRequested)
                    {
                        break; // the time limit: this request is not counted
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        status = 0;
                    }

                    mine.Add(new Sample(line, status, watch.Elapsed.TotalMilliseconds));
                }
            }).ToArray();
            await Task.WhenAll(workers).ConfigureAwait(false);
            return samples.SelectMany(s => s).ToList();
        }

        private static void Print(IReadOnlyList<Sample> samples, int clients, IReadOnlyList<RequestLine> requests)
        {
            Console.WriteLine($"{samples.Count:N0} requests from {clients} concurrent clients");
            Console.WriteLine();
            Console.WriteLine("| request | count | statuses | p50 ms | p95 ms | p99 ms |");
            Console.WriteLine("|---|---:|---|---:|---:|---:|");
            for (var line = 0; line < requests.Count; line++)
            {
                var mine = samples.Where(s => s.Line == line).ToList();
                Console.WriteLine(Row(requests[line].ToString(), mine));
            }

            Console.WriteLine(Row("all", samples.ToList()));
        }

        private static string Row(string name, List<Sample> samples)
        {
            var statuses = string.Join(", ", samples.GroupBy(s => s.Status).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "no response" : g.Key.ToString(CultureInfo.InvariantCulture))}: {g.Count():N0}"));
            var times = samples.Select(s => s.Milliseconds).OrderBy(t => t).ToList();
            return $"| {name} | {samples.Count:N0} | {statuses} | {Percentile(times, 0.50):0.0} | {Percentile(times, 0.95):0.0} | {Percentile(times, 0.99):0.0} |";
        }

        /// <summary>The nearest-rank percentile of sorted values; NaN for none.</summary>
        public static double Percentile(IReadOnlyList<double> sorted, double fraction) =>
            sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
