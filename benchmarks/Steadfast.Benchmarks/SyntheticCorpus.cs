using System.Collections.Generic;
using System.Text;

namespace Steadfast.Benchmarks
{
    /// <summary>
    /// A deterministic corpus of service-like C# (handlers, repositories, HTTP clients, background loops) with a known
    /// number of each Steadfast pattern and of its look-alikes. Same size, same text, every time; no network.
    /// </summary>
    public static class SyntheticCorpus
    {
        /// <summary>Lines one generated file has (every file has the same shape).</summary>
        public static int LinesPerFile { get; } = File(0).Split('\n').Length - 1;

        /// <summary>SF1001 findings planted in each file.</summary>
        public const int SF1001PerFile = 4;

        /// <summary>SF1001 look-alikes (must not be flagged) in each file.</summary>
        public const int SF1001LookAlikesPerFile = 12;

        /// <summary>SF5001 findings planted in each file.</summary>
        public const int SF5001PerFile = 1;

        /// <summary>SF5001 look-alikes (a read in the constructor, a path from a parameter) in each file.</summary>
        public const int SF5001LookAlikesPerFile = 2;

        /// <summary>SF2001 findings planted in each file (a call on a per-call client).</summary>
        public const int SF2001PerFile = 1;

        /// <summary>SF2002 findings planted in each file.</summary>
        public const int SF2002PerFile = 1;

        /// <summary>SF2001/SF2002 look-alikes (a static client, a call on a resilient client, a call inside RetryAsync) in each file.</summary>
        public const int HttpLookAlikesPerFile = 3;

        /// <summary>SF3001 findings planted in each file.</summary>
        public const int SF3001PerFile = 1;

        /// <summary>SF3001 look-alikes (COUNT(*), EXISTS (SELECT * ...), a paging wrapper, multiplication, SQL that reaches no database call) in each file.</summary>
        public const int SF3001LookAlikesPerFile = 5;

        /// <summary>SF3002 findings planted in each file (an ADO.NET command run per item of a loop).</summary>
        public const int SF3002PerFile = 1;

        /// <summary>SF3002 look-alikes (one command for all the keys, a retry loop around one command, a paging loop) in each file.</summary>
        public const int SF3002LookAlikesPerFile = 3;

        /// <summary>SF4001 findings planted in each file.</summary>
        public const int SF4001PerFile = 1;

        /// <summary>SF4001 look-alikes (a table filled in the constructor, a Type-keyed reflection cache, a cache with a removal path) in each file.</summary>
        public const int SF4001LookAlikesPerFile = 3;

        public static int FileCountFor(int lines) => System.Math.Max(1, (lines + LinesPerFile - 1) / LinesPerFile);

        /// <summary>
        /// Files of about <paramref name="lines"/> lines in all, named Service0000.cs, …. Every
        /// <paramref name="plantEvery"/>-th file (the first included) carries the planted findings; the others carry
        /// the same code with each finding observed (awaited or kept), so the density of findings is known.
        /// </summary>
        public static IEnumerable<(string Name, string Text)> Generate(int lines, int plantEvery = 1)
        {
            if (plantEvery < 1)
            {
                throw new System.ArgumentOutOfRangeException(nameof(plantEvery));
            }

            var files = FileCountFor(lines);
            for (var i = 0; i < files; i++)
            {
                yield return ($"Service{i:D4}.cs", File(i, planted: i % plantEvery == 0));
            }
        }

        /// <summary>How many SF1001 findings <see cref="Generate"/> plants.</summary>
        public static int PlantedSF1001(int lines, int plantEvery = 1) => PlantedFiles(lines, plantEvery) * SF1001PerFile;

        /// <summary>How many SF5001 findings <see cref="Generate"/> plants.</summary>
        public static int PlantedSF5001(int lines, int plantEvery = 1) => PlantedFiles(lines, plantEvery) * SF5001PerFile;

        /// <summary>How many SF4001 findings <see cref="Generate"/> plants.</summary>
        public static int PlantedSF4001(int lines, int plantEvery = 1) => PlantedFiles(lines, plantEvery) * SF4001PerFile;

        /// <summary>How many SF2001 findings <see cref="Generate"/> plants.</summary>
        public static int PlantedSF2001(int lines, int plantEvery = 1) => PlantedFiles(lines, plantEvery) * SF2001PerFile;

        /// <summary>How many SF2002 findings <see cref="Generate"/> plants.</summary>
        public static int PlantedSF2002(int lines, int plantEvery = 1) => PlantedFiles(lines, plantEvery) * SF2002PerFile;

        /// <summary>How many SF3001 findings <see cref="Generate"/> plants.</summary>
        public static int PlantedSF3001(int lines, int plantEvery = 1) => PlantedFiles(lines, plantEvery) * SF3001PerFile;

        /// <summary>How many SF3002 findings <see cref="Generate"/> plants.</summary>
        public static int PlantedSF3002(int lines, int plantEvery = 1) => PlantedFiles(lines, plantEvery) * SF3002PerFile;

        /// <summary>Planted findings by rule ID.</summary>
        public static System.Collections.Generic.IReadOnlyDictionary<string, int> Planted(int lines, int plantEvery = 1) =>
            new System.Collections.Generic.Dictionary<string, int>
            {
                ["SF1001"] = PlantedSF1001(lines, plantEvery),
                ["SF2001"] = PlantedSF2001(lines, plantEvery),
                ["SF2002"] = PlantedSF2002(lines, plantEvery),
                ["SF3001"] = PlantedSF3001(lines, plantEvery),
                ["SF3002"] = PlantedSF3002(lines, plantEvery),
                ["SF4001"] = PlantedSF4001(lines, plantEvery),
                ["SF5001"] = PlantedSF5001(lines, plantEvery),
            };

        private static int PlantedFiles(int lines, int plantEvery) => (FileCountFor(lines) + plantEvery - 1) / plantEvery;

        private static string File(int i, bool planted = true)
        {
            var b = new StringBuilder(4096);
            b.Append("using System;\n");
            b.Append("using System.Collections.Generic;\n");
            b.Append("using System.Data;\n");
            b.Append("using System.Diagnostics;\n");
            b.Append("using System.IO;\n");
            b.Append("using System.Linq;\n");
            b.Append("using System.Net.Http;\n");
            b.Append("using System.Threading;\n");
            b.Append("using System.Threading.Tasks;\n");
            b.Append("using Steadfast;\n");
            b.Append('\n');
            b.Append($"namespace Corpus.Module{i % 20}\n");
            b.Append("{\n");
            b.Append($"    public interface IRepository{i}\n");
            b.Append("    {\n");
            b.Append("        Task SaveAsync(string key, CancellationToken ct);\n");
            b.Append("        Task<int> CountAsync(string key);\n");
            b.Append("        ValueTask FlushAsync();\n");
            b.Append("    }\n");
            b.Append('\n');
            b.Append($"    public sealed class Service{i}\n");
            b.Append("    {\n");
            b.Append("        private const string PlaybookPath = \"playbook.md\";\n");
            b.Append($"        private readonly IRepository{i} _repo;\n");
            b.Append("        private readonly string _playbook;\n");
            b.Append("        private readonly List<Task> _pending = new List<Task>();\n");
            b.Append("        private Task? _last;\n");
            b.Append("        private readonly Dictionary<string, int> _countCache = new Dictionary<string, int>();\n");        // SF4001 #1 (planted files)
            b.Append("        private readonly Dictionary<string, int> _limits = new Dictionary<string, int>();\n");            // SF4001 look-alike 1 (filled in the constructor)
            b.Append("        private static readonly Dictionary<Type, string> TypeNames = new Dictionary<Type, string>();\n"); // SF4001 look-alike 2 (finite keys)
            b.Append("        private readonly Dictionary<string, string> _replyCache = new Dictionary<string, string>();\n");  // SF4001 look-alike 3 (has a removal path)
            b.Append("        private static readonly HttpClient Shared = ResilientHttp.CreateClient();\n");
            b.Append("        private static readonly HttpClient Plain = new HttpClient();\n");                                    // SF2002 look-alike (static, once)
            b.Append('\n');
            b.Append($"        public Service{i}(IRepository{i} repo)\n");
            b.Append("        {\n");
            b.Append("            _repo = repo;\n");
            b.Append("            _playbook = File.ReadAllText(PlaybookPath);\n");                    // SF5001 look-alike 1 (set-up)
            b.Append("            _limits[\"default\"] = 10;\n");
            b.Append("        }\n");
            b.Append('\n');
            b.Append(planted ? "        public string Playbook() => File.ReadAllText(PlaybookPath);\n" : "        public string Playbook() => _playbook;\n"); // SF5001 #1
            b.Append("        public string Profile(string user) => File.ReadAllText(user + \".json\");\n"); // SF5001 look-alike 2 (parameter)
            b.Append("        public int CachedCount(Microsoft.AspNetCore.Http.HttpRequest request) { var user = request.Path.Value ?? \"\"; if (!_countCache.TryGetValue(user, out var n)) { n = user.Length; _countCache[user] = n; } return n; }\n"); // the key is request input (SF4001's evidence)
            b.Append(planted ? "        public int KnownUsers => _countCache.Count;\n" : "        public void Forget(string user) => _countCache.Remove(user);\n");
            b.Append("        public int Limit(string key) => _limits.TryGetValue(key, out var l) ? l : 0;\n");
            b.Append("        public static string NameOf(Type t) => TypeNames.TryGetValue(t, out var n) ? n : TypeNames[t] = t.Name;\n");
            b.Append("        public string Reply(string user) { if (!_replyCache.TryGetValue(user, out var r)) _replyCache[user] = r = user.ToUpperInvariant(); return r; }\n");
            b.Append("        public void Reset(string user) => _replyCache.Remove(user);\n");
            b.Append(planted
                ? "        public async Task<string> Lookup(string id) { using var client = new HttpClient(); return await client.GetStringAsync(\"https://api.example.com/\" + id); }\n" // SF2002 #1, SF2001 #1
                : "        public Task<string> Lookup(string id) => Shared.GetStringAsync(\"https://api.example.com/\" + id);\n");
            b.Append("        public Task<string> Company(string id) => Shared.GetStringAsync(\"https://api.example.com/c/\" + id);\n");     // SF2001 look-alike (resilient client)
            b.Append("        public Task<string> Retried(string id) => ResilientHttp.RetryAsync(ct => Plain.GetStringAsync(id, ct));\n");  // SF2001 look-alike (inside a retry)
            // SF3001 flags SQL that reaches a database call: each query here is handed to a command (through a constant, or directly).
            b.Append(planted
                ? "        private const string LeadsSql = \"SELECT * FROM leads WHERE owner = @owner\"; public static void Leads(IDbCommand c) => c.CommandText = LeadsSql;\n" // SF3001 #1
                : "        private const string LeadsSql = \"SELECT id, name, company FROM leads WHERE owner = @owner\"; public static void Leads(IDbCommand c) => c.CommandText = LeadsSql;\n");
            b.Append("        private const string CountSql = \"SELECT COUNT(*) FROM leads WHERE owner = @owner\"; public static void Count(IDbCommand c) => c.CommandText = CountSql;\n"); // SF3001 look-alike 1
            b.Append("        public static void Any(IDbCommand c) => c.CommandText = \"SELECT EXISTS (SELECT * FROM leads WHERE owner = @owner)\";\n");             // SF3001 look-alike 2
            b.Append("        public static void Page(IDbCommand c, int n) => c.CommandText = $\"SELECT * FROM (SELECT id, name FROM leads) p LIMIT 20 OFFSET {n * 20}\";\n"); // look-alikes 3 and 4
            b.Append("        public static string Note() => \"SELECT * FROM leads is what the old report ran\";\n"); // look-alike 5: SQL that reaches no database call
            // SF3002 flags a command run once per item: here its text is set from each id.
            b.Append(planted
                ? "        public static void Seen(IDbCommand c, int[] ids) { foreach (var id in ids) { c.CommandText = \"UPDATE leads SET seen = 1 WHERE id = \" + id; c.ExecuteNonQuery(); } }\n" // SF3002 #1
                : "        public static void Seen(IDbCommand c, int[] ids) { c.CommandText = \"UPDATE leads SET seen = 1 WHERE id IN (\" + string.Join(\",\", ids) + \")\"; c.ExecuteNonQuery(); }\n");
            b.Append("        public static void SeenAll(IDbCommand c, int[] ids) { c.CommandText = \"UPDATE leads SET seen = 1 WHERE id IN (\" + string.Join(\",\", ids) + \")\"; c.ExecuteNonQuery(); }\n"); // SF3002 look-alike 1: one command
            b.Append("        public static int Retry(IDbCommand c, int tries) { for (var t = 0; t < tries; t++) { try { return c.ExecuteNonQuery(); } catch (DataException) { } } return 0; }\n"); // look-alike 2: a retry
            b.Append("        public static void Pages(IDbCommand c) { var offset = 0; while (true) { c.CommandText = \"SELECT id FROM leads LIMIT 100 OFFSET \" + offset; var n = (int)c.ExecuteScalar()!; if (n == 0) break; offset += n; } }\n"); // look-alike 3: paging
            b.Append('\n');
            b.Append("        public async Task<int> HandleAsync(string user, string text, CancellationToken ct)\n");
            b.Append("        {\n");
            b.Append("            var watch = Stopwatch.StartNew();\n");                               // look-alike 1
            b.Append("            if (!int.TryParse(text, out var amount))\n");                         // look-alike 2
            b.Append("            {\n");
            b.Append("                amount = text.Length;\n");
            b.Append("            }\n");
            b.Append('\n');
            b.Append("            await _repo.SaveAsync(user, ct);\n");                                 // look-alike 3
            b.Append("            await _repo.SaveAsync(user + \":audit\", ct).ConfigureAwait(false);\n"); // look-alike 4
            b.Append(planted ? "            _repo.SaveAsync(user + \":stats\", ct);\n" : "            await _repo.SaveAsync(user + \":stats\", ct);\n"); // SF1001 #1
            b.Append(planted ? "            _ = _repo.FlushAsync();\n" : "            await _repo.FlushAsync();\n");                                    // SF1001 #2
            b.Append("            var count = await _repo.CountAsync(user);\n");                        // look-alike 5
            b.Append("            _last = _repo.SaveAsync(user + \":last\", ct);\n");                    // look-alike 6
            b.Append("            _pending.Add(_repo.SaveAsync(user + \":pending\", ct));\n");           // look-alike 7
            b.Append("            await Task.WhenAll(_pending);\n");                                    // look-alike 8
            b.Append("            var total = Enumerable.Range(0, amount % 10).Select(x => x * count).Sum();\n");
            b.Append("            Log(user, total, watch.Elapsed);\n");
            b.Append("            return total;\n");
            b.Append("        }\n");
            b.Append('\n');
            b.Append("        public void OnTimer(object? state)\n");
            b.Append("        {\n");
            b.Append(planted ? "            Task.Run(() => SweepAsync(CancellationToken.None));\n" : "            _pending.Add(Task.Run(() => SweepAsync(CancellationToken.None)));\n"); // SF1001 #3
            b.Append("            Func<Task> later = () => SweepAsync(CancellationToken.None);\n");    // look-alike 9
            b.Append("            _pending.Add(later());\n");
            b.Append("        }\n");
            b.Append('\n');
            b.Append("        public Task SweepAsync(CancellationToken ct)\n");
            b.Append("        {\n");
            b.Append("            if (ct.IsCancellationRequested)\n");
            b.Append("            {\n");
            b.Append("                return Task.CompletedTask;\n");                                  // look-alike 10
            b.Append("            }\n");
            b.Append('\n');
            b.Append("            return _repo.SaveAsync(\"sweep\", ct);\n");                          // look-alike 11
            b.Append("        }\n");
            b.Append('\n');
            b.Append("        public void Notify(IEnumerable<string> users)\n");
            b.Append("        {\n");
            b.Append("            foreach (var user in users)\n");
            b.Append("            {\n");
            b.Append(planted ? "                Action send = () => _repo.FlushAsync();\n" : "                Action send = () => _pending.Add(_repo.FlushAsync().AsTask());\n"); // SF1001 #4
            b.Append("                send();\n");
            b.Append("                _pending.Add(_repo.CountAsync(user));\n");                        // look-alike 12
            b.Append("            }\n");
            b.Append("        }\n");
            b.Append('\n');
            b.Append("        private static void Log(string user, int total, TimeSpan elapsed)\n");
            b.Append("        {\n");
            b.Append("            var line = $\"{user}: {total} in {elapsed.TotalMilliseconds:F1} ms\";\n");
            b.Append("            Debug.WriteLine(line);\n");
            b.Append("        }\n");
            b.Append("    }\n");
            b.Append('\n');
            b.Append($"    public static class Helpers{i}\n");
            b.Append("    {\n");
            for (var m = 0; m < 5; m++)
            {
                b.Append($"        public static int Compute{m}(int[] values)\n");
                b.Append("        {\n");
                b.Append("            var sum = 0;\n");
                b.Append("            for (var k = 0; k < values.Length; k++)\n");
                b.Append("            {\n");
                b.Append($"                sum += values[k] * {m + 1};\n");
                b.Append("            }\n");
                b.Append('\n');
                b.Append("            return sum;\n");
                b.Append("        }\n");
            }

            b.Append("    }\n");
            b.Append("}\n");
            return b.ToString();
        }
    }
}
