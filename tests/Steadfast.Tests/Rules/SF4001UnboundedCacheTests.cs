using System.Threading.Tasks;
using Steadfast.Analyzers.Rules;
using Steadfast.CodeFixes.Internal;
using Steadfast.CodeFixes.Rules;
using Steadfast.Tests.Verification;
using Xunit;
using VerifySF4001 = Steadfast.Tests.Verification.Verify<Steadfast.Analyzers.Rules.SF4001UnboundedCacheAnalyzer, Steadfast.CodeFixes.Rules.SF4001UnboundedCacheCodeFix>;

namespace Steadfast.Tests.Rules
{
    public sealed class SF4001UnboundedCacheTests
    {
        /// <summary>The rule's one fix is each diagnostic's first, so it carries the preferred key.</summary>
        private static readonly string Key = PlannedCodeFixProvider.PreferredKey("SF4001");

        private const string Usings = """
            using System;
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using System.Linq;
            using System.Reflection;
            using System.Threading;
            using System.Threading.Tasks;

            """;

        private static string Service(string members, string usings = Usings) => usings + """

            public record Profile(string Name);
            public enum Tier { Free, Pro }

            public class ProfileService
            {

            """ + members + """

                private static Profile Load(string id) => new Profile(id);
            }
            """;

        // ---------------------------------------------------------------- flagged

        [Fact]
        public Task Flags_WithMessage() => VerifySF4001.AnalyzerAsync(Service("""

                private readonly Dictionary<string, Profile> {|#0:_cache|} = new();
                public void Put(string id, Profile p) => _cache[id] = p;
                public Profile? Get(string id) => _cache.TryGetValue(id, out var p) ? p : null;
            """),
            VerifySF4001.Diagnostic("SF4001").WithLocation(0)
                .WithMessage("'_cache' is used as a cache, but nothing ever removes an entry: it grows with every new key until the process runs out of memory"));

        [Theory]
        // memoisation with TryGetValue and an indexer store, no telling name
        [InlineData("private readonly Dictionary<string, Profile> [|_profiles|] = new(); public Profile Get(string id) { if (!_profiles.TryGetValue(id, out var p)) { p = Load(id); _profiles[id] = p; } return p; }")]
        // ContainsKey + Add + indexer read
        [InlineData("private readonly Dictionary<int, string> [|_squares|] = new(); public string Get(int n) { if (!_squares.ContainsKey(n)) _squares.Add(n, (n * n).ToString()); return _squares[n]; }")]
        // GetValueOrDefault (an extension) + TryAdd
        [InlineData("private readonly Dictionary<string, Profile> [|_byName|] = new(); public Profile Get(string name) { var p = _byName.GetValueOrDefault(name); if (p is null) { p = Load(name); _byName.TryAdd(name, p); } return p; }")]
        // ConcurrentDictionary.GetOrAdd with a method group, static field
        [InlineData("private static readonly ConcurrentDictionary<string, Profile> [|Profiles|] = new(); public Profile Get(string id) => Profiles.GetOrAdd(id, Load);")]
        // AddOrUpdate per user
        [InlineData("private readonly ConcurrentDictionary<Guid, int> [|_requestsPerUser|] = new(); public void Count(Guid user) => _requestsPerUser.AddOrUpdate(user, 1, (_, n) => n + 1);")]
        // a name that says cache, with the store and the read in different methods
        [InlineData("private readonly Dictionary<string, Profile> [|_profileCache|] = new(); public void Remember(Profile p) => _profileCache[p.Name] = p; public int Known => _profileCache.Count;")]
        [InlineData("private static readonly Dictionary<long, string> [|Memo|] = new(); public string Fib(long n) => Memo.TryGetValue(n, out var s) ? s : Memo[n] = n.ToString();")]
        // the key is a local built from a parameter
        [InlineData("private readonly Dictionary<string, string> [|_replies|] = new(); public string Reply(string user, string lang) { var key = $\"{user}:{lang}\"; if (_replies.TryGetValue(key, out var r)) return r; r = user + lang; _replies[key] = r; return r; }")]
        // the key comes out of TryParse of a parameter
        [InlineData("private readonly Dictionary<int, Profile> [|_memo|] = new(); public Profile? Get(string text) { if (int.TryParse(text, out var id)) { _memo[id] = Load(text); return _memo[id]; } return null; }")]
        // the key is a loop variable over a parameter
        [InlineData("private readonly Dictionary<string, Profile> [|_cache|] = new(); public void Warm(IEnumerable<string> ids) { foreach (var id in ids) _cache[id] = Load(id); }")]
        // the key is a property of a parameter
        [InlineData("private readonly ConcurrentDictionary<string, Profile> [|_cache|] = new(); public Profile Get(Profile request) => _cache.GetOrAdd(request.Name, n => Load(n));")]
        // a store in a lambda set up by the constructor runs per message, not at construction
        [InlineData("private readonly Dictionary<string, Profile> [|_cache|] = new(); public ProfileService(Action<Action<string>> subscribe) { subscribe(id => _cache[id] = Load(id)); }")]
        // created in the constructor rather than the initializer
        [InlineData("private readonly Dictionary<string, Profile> [|_cache|]; public ProfileService() { _cache = new Dictionary<string, Profile>(); } public void Put(string id) => _cache[id] = Load(id);")]
        // LINQ and enumeration do not hide it
        [InlineData("private readonly Dictionary<string, Profile> [|_cache|] = new(); public void Put(string id) => _cache[id] = Load(id); public int Pro => _cache.Values.Count(p => p.Name.Length > 3); public void Dump() { foreach (var pair in _cache) Console.WriteLine(pair.Key); }")]
        // a lock on the field itself, a null check
        [InlineData("private readonly Dictionary<string, Profile> [|_cache|] = new(); public Profile Get(string id) { lock (_cache) { if (!_cache.TryGetValue(id, out var p)) _cache[id] = p = Load(id); return p; } }")]
        public Task Flags(string members) => VerifySF4001.AnalyzerAsync(Service(members));

        [Theory]
        [InlineData("private static readonly ConcurrentDictionary<string, SemaphoreSlim> {|#0:Locks|} = new(); public async Task Run(string user) { var gate = Locks.GetOrAdd(user, _ => new SemaphoreSlim(1, 1)); await gate.WaitAsync(); gate.Release(); }")]
        [InlineData("private readonly ConcurrentDictionary<string, object> {|#0:_userLocks|} = new(); public void Run(string user) { lock (_userLocks.GetOrAdd(user, _ => new object())) { } }")]
        [InlineData("private readonly Dictionary<string, TokenBucket> {|#0:_buckets|} = new(); public bool Allow(string ip) { if (!_buckets.TryGetValue(ip, out var b)) _buckets[ip] = b = new TokenBucket(); return b.Take(); } public class TokenBucket { public bool Take() => true; }")]
        public Task Flags_PerKeyLocks(string members) => VerifySF4001.AnalyzerAsync(Service(members),
            VerifySF4001.Diagnostic("SF4001").WithLocation(0)
                .WithMessage("'" + members.Split('#')[1].Split(':')[1].Split('|')[0] + "' holds a lock per key, but nothing ever removes an entry: it grows with every new key until the process runs out of memory"));

        [Fact]
        public Task Flags_PartialType_FieldInOnePartStoresInAnother() => new SteadfastAnalyzerTest<SF4001UnboundedCacheAnalyzer>
        {
            Sources =
            {
                "using System.Collections.Generic; public partial class Bot { private readonly Dictionary<string, string> [|_cache|] = new(); }",
                "public partial class Bot { public string Get(string id) { if (!_cache.TryGetValue(id, out var v)) _cache[id] = v = id.ToUpperInvariant(); return v; } }",
            },
        }.RunAsync();

        // ---------------------------------------------------------------- not flagged

        [Theory]
        // filled at construction: initializer, constructor, static constructor
        [InlineData("private static readonly Dictionary<string, int> _cache = new() { [\"a\"] = 1, [\"b\"] = 2 }; public int Get(string k) => _cache[k];")]
        [InlineData("private readonly Dictionary<string, Profile> _cache = new(); public ProfileService(IEnumerable<Profile> all) { foreach (var p in all) _cache[p.Name] = p; } public Profile Get(string id) => _cache[id];")]
        [InlineData("private static readonly Dictionary<string, Profile> Cache = new(); static ProfileService() { foreach (var id in new[] { \"a\", \"b\" }) Cache[id] = Load(id); } public Profile Get(string id) => Cache[id];")]
        // finite keys: bool, enum, byte, Type, MethodInfo, tuples and nullables of those
        [InlineData("private readonly Dictionary<bool, Profile> _cache = new(); public Profile Get(bool b) => _cache.TryGetValue(b, out var p) ? p : _cache[b] = Load(b.ToString());")]
        [InlineData("private readonly ConcurrentDictionary<Tier, Profile> _cache = new(); public Profile Get(Tier t) => _cache.GetOrAdd(t, x => Load(x.ToString()));")]
        [InlineData("private readonly ConcurrentDictionary<Tier?, Profile> _cache = new(); public Profile Get(Tier? t) => _cache.GetOrAdd(t, x => Load(x.ToString()!));")]
        [InlineData("private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Cache = new(); public PropertyInfo[] Props(Type t) => Cache.GetOrAdd(t, x => x.GetProperties());")]
        [InlineData("private static readonly ConcurrentDictionary<MethodInfo, string> Cache = new(); public string Name(MethodInfo m) => Cache.GetOrAdd(m, x => x.Name);")]
        [InlineData("private static readonly ConcurrentDictionary<(Type, bool), string> Cache = new(); public string Name(Type t, bool b) => Cache.GetOrAdd((t, b), x => x.Item1.Name);")]
        [InlineData("private readonly Dictionary<byte, string> _cache = new(); public string Hex(byte b) => _cache.TryGetValue(b, out var s) ? s : _cache[b] = b.ToString(\"x2\");")]
        // any removal path
        [InlineData("private readonly Dictionary<string, Profile> _cache = new(); public void Put(string id) => _cache[id] = Load(id); public void Forget(string id) => _cache.Remove(id);")]
        [InlineData("private readonly Dictionary<string, Profile> _cache = new(); public void Put(string id) => _cache[id] = Load(id); public void Forget(string id) => _cache.Remove(id, out _);")]
        [InlineData("private readonly ConcurrentDictionary<string, Profile> _cache = new(); public Profile Get(string id) => _cache.GetOrAdd(id, Load); public void Forget(string id) => _cache.TryRemove(id, out _);")]
        [InlineData("private readonly Dictionary<string, Profile> _cache = new(); public void Put(string id) => _cache[id] = Load(id); public void Reset() => _cache.Clear();")]
        [InlineData("private Dictionary<string, Profile> _cache = new(); public void Put(string id) => _cache[id] = Load(id); public void Reset() => _cache = new();")]
        [InlineData("private Dictionary<string, Profile> _cache = new(); public void Put(string id) => _cache[id] = Load(id); public void Reset() => Interlocked.Exchange(ref _cache, new());")]
        // it escapes: not private, returned, passed on, copied
        [InlineData("public readonly Dictionary<string, Profile> Cache = new(); public void Put(string id) => Cache[id] = Load(id);")]
        [InlineData("internal readonly Dictionary<string, Profile> Cache = new(); public void Put(string id) => Cache[id] = Load(id);")]
        [InlineData("private readonly Dictionary<string, Profile> _cache = new(); public void Put(string id) => _cache[id] = Load(id); public IReadOnlyDictionary<string, Profile> All => _cache;")]
        [InlineData("private readonly Dictionary<string, Profile> _cache = new(); public void Put(string id) => _cache[id] = Load(id); public void Save() => Persist(_cache); private static void Persist(IDictionary<string, Profile> d) { }")]
        [InlineData("private readonly Dictionary<string, Profile> _cache = new(); public void Put(string id) { var c = _cache; c[id] = Load(id); }")]
        // keys from a small fixed set: constants
        [InlineData("private readonly Dictionary<string, Profile> _cache = new(); public Profile Settings() => _cache.TryGetValue(\"settings\", out var p) ? p : _cache[\"settings\"] = Load(\"x\");")]
        // keys from this object's own state, not from outside
        [InlineData("private readonly List<Profile> _all = new(); private readonly Dictionary<string, Profile> _index = new(); public void Reindex() { foreach (var p in _all) if (!_index.ContainsKey(p.Name)) _index[p.Name] = p; }")]
        // a registry: stores with outside keys but no cache name and no look-up-then-store
        [InlineData("private readonly Dictionary<string, Func<string, string>> _handlers = new(); public void Register(string command, Func<string, string> handler) => _handlers[command] = handler; public string Run(string command, string arg) => _handlers[command](arg);")]
        // not a Dictionary/ConcurrentDictionary field
        [InlineData("public Profile Get(string id) { var cache = new Dictionary<string, Profile>(); if (!cache.TryGetValue(id, out var p)) cache[id] = p = Load(id); return p; }")]
        [InlineData("private readonly SortedDictionary<string, Profile> _cache = new(); public void Put(string id) => _cache[id] = Load(id);")]
        [InlineData("private readonly Steadfast.BoundedCache<string, Profile> _cache = new(100); public Profile Get(string id) => _cache.GetOrAdd(id, Load);")]
        [InlineData("private readonly Dictionary<string, Profile> _cache = new(); public string Name => nameof(_cache);")]
        public Task DoesNotFlag(string members) => VerifySF4001.AnalyzerAsync(Service(members));

        [Fact]
        public Task DoesNotFlag_RemovalInAnotherPart() => new SteadfastAnalyzerTest<SF4001UnboundedCacheAnalyzer>
        {
            Sources =
            {
                "using System.Collections.Generic; public partial class Bot { private readonly Dictionary<string, string> _cache = new(); public void Put(string id) => _cache[id] = id; }",
                "public partial class Bot { public void Evict(string id) => _cache.Remove(id); }",
            },
        }.RunAsync();

        /// <summary>
        /// Operations in a nested type are analysed in the nested type's own scope, out of the outer type's sight: a field a
        /// nested type touches is not judged at all (it could remove entries there), whatever the outer type does.
        /// </summary>
        [Fact]
        public Task DoesNotFlag_FieldTouchedByANestedType() => VerifySF4001.AnalyzerAsync(Service("""

                private static readonly Dictionary<string, Profile> Cache = new();
                public Profile Get(string id) => Cache.TryGetValue(id, out var p) ? p : Cache[id] = Load(id);
                private sealed class Loader { public int Count => Cache.Count; }
            """));

        [Fact]
        public Task DoesNotFlag_RemovalInANestedType() => VerifySF4001.AnalyzerAsync(Service("""

                private static readonly Dictionary<string, Profile> Cache = new();
                public void Put(string id) => Cache[id] = Load(id);
                private sealed class Janitor { public void Sweep() => Cache.Clear(); }
            """));

        // ---------------------------------------------------------------- keys bounded by the program (issue #15)

        [Theory]
        // Type names, typeof, GetType(), nameof: one value per program element
        [InlineData("private static readonly ConcurrentDictionary<string, string> Cache = new(); public string Name(object o) => Cache.GetOrAdd(o.GetType().FullName!, n => n.ToUpperInvariant());")]
        [InlineData("private static readonly ConcurrentDictionary<string, string> Cache = new(); public string Name<T>() => Cache.GetOrAdd(typeof(T).Name, n => n.ToUpperInvariant());")]
        [InlineData("private static readonly Dictionary<string, string> Cache = new(); public string Name(Type t) { if (!Cache.TryGetValue(t.FullName!, out var s)) Cache[t.FullName!] = s = t.Name; return s; }")]
        [InlineData("private readonly Dictionary<string, Profile> _cache = new(); public Profile Get() => _cache.TryGetValue(nameof(Get), out var p) ? p : _cache[nameof(Get)] = Load(\"x\");")]
        // a template name built from a type name and a private method's parameter that every caller gives as a constant
        [InlineData("private readonly ConcurrentDictionary<string, string> _templateCache = new(); public string Render(object model) => Compile(model, \"html\") + Compile(model, \"text\"); private string Compile(object model, string kind) => _templateCache.GetOrAdd($\"{model.GetType().FullName}.{kind}.hbs\", n => n);")]
        // ... through two private methods, each called with constants or with the other's parameter
        [InlineData("private readonly Dictionary<string, string> _templateCache = new(); public string Welcome() => Both(\"Welcome\"); public string Reset() => Both(\"Reset\"); private string Both(string name) => Render($\"{name}.html\") + Render($\"{name}.text\"); private string Render(string template) { if (!_templateCache.TryGetValue(template, out var t)) { t = template.ToUpperInvariant(); _templateCache.Add(template, t); } return t; }")]
        // cultures and culture names
        [InlineData("private static readonly ConcurrentDictionary<string, Profile> Cache = new(); public Profile For(System.Globalization.CultureInfo culture) => Cache.GetOrAdd(culture.Name, Load);")]
        [InlineData("private static readonly ConcurrentDictionary<System.Globalization.CultureInfo, Profile> Cache = new(); public Profile For(System.Globalization.CultureInfo culture) => Cache.GetOrAdd(culture, c => Load(c.Name));")]
        // enum names
        [InlineData("private static readonly ConcurrentDictionary<string, Profile> Cache = new(); public Profile For(Tier tier) => Cache.GetOrAdd(tier.ToString(), Load);")]
        [InlineData("private static readonly ConcurrentDictionary<string, Profile> Cache = new(); public Profile For(Tier tier) => Cache.GetOrAdd($\"tier:{tier}\", Load);")]
        // reflection members and their names
        [InlineData("private static readonly ConcurrentDictionary<string, Profile> Cache = new(); public Profile For(MethodInfo m) => Cache.GetOrAdd(m.DeclaringType!.FullName + \".\" + m.Name, Load);")]
        [InlineData("private static readonly ConcurrentDictionary<PropertyInfo, Profile> Cache = new(); public Profile For(PropertyInfo p) => Cache.GetOrAdd(p, x => Load(x.Name));")]
        // a value fixed for the process
        [InlineData("private static readonly string Prefix = \"p\"; private static readonly ConcurrentDictionary<string, Profile> Cache = new(); public Profile Get() => Cache.GetOrAdd(Prefix, Load);")]
        // a private method that stores, called only while the object is built
        [InlineData("private readonly Dictionary<string, Profile> _cache = new(); public ProfileService(IEnumerable<Profile> all) { foreach (var p in all) Put(p.Name); } private void Put(string id) => _cache[id] = Load(id); public Profile Get(string id) => _cache[id];")]
        public Task DoesNotFlag_KeysBoundedByTheProgram(string members) => VerifySF4001.AnalyzerAsync(Service(members));

        [Theory]
        // the same shapes with a user's value in the key
        [InlineData("private static readonly ConcurrentDictionary<string, string> [|Cache|] = new(); public string Name(object o, string user) => Cache.GetOrAdd(o.GetType().FullName + user, n => n.ToUpperInvariant());")]
        [InlineData("private readonly ConcurrentDictionary<string, string> [|_templateCache|] = new(); public string Render(object model, string kind) => Compile(model, kind); private string Compile(object model, string kind) => _templateCache.GetOrAdd($\"{model.GetType().FullName}.{kind}.hbs\", n => n);")]
        [InlineData("private readonly Dictionary<string, string> [|_templateCache|] = new(); public string Welcome(string user) => Both(user); public string Reset() => Both(\"Reset\"); private string Both(string name) => Render($\"{name}.html\"); private string Render(string template) { if (!_templateCache.TryGetValue(template, out var t)) { t = template.ToUpperInvariant(); _templateCache.Add(template, t); } return t; }")]
        // a culture name that is only a string from the caller
        [InlineData("private static readonly ConcurrentDictionary<string, Profile> [|Cache|] = new(); public Profile For(string language) => Cache.GetOrAdd(language, Load);")]
        [InlineData("private static readonly ConcurrentDictionary<string, Profile> [|Cache|] = new(); public Profile For(Tier tier, string user) => Cache.GetOrAdd($\"{tier}:{user}\", Load);")]
        // a private method used as a method group: its callers are out of sight
        [InlineData("private readonly Dictionary<string, Profile> [|_cache|] = new(); public void Subscribe(Action<Action<string>> on) => on(Put); private void Put(string id) => _cache[id] = Load(id);")]
        // ... and also after construction, with a caller's value
        [InlineData("private readonly Dictionary<string, Profile> [|_cache|] = new(); public ProfileService(IEnumerable<Profile> all) { foreach (var p in all) Put(p.Name); } public void Add(string id) => Put(id); private void Put(string id) => _cache[id] = Load(id); public Profile Get(string id) => _cache.TryGetValue(id, out var p) ? p : Load(id);")]
        // a private method's caller passes a value declared by a pattern on its own parameter
        [InlineData("private readonly Dictionary<string, Profile> [|_byName|] = new(); public void Handle(object update) { if (update is Profile { Name.Length: > 0 } p) Remember(p); } private void Remember(Profile p) { if (!_byName.TryGetValue(p.Name, out _)) _byName[p.Name] = p; }")]
        [InlineData("private readonly Dictionary<string, Profile> [|_byName|] = new(); public string Handle(object update) => update switch { Profile p => Remember(p), _ => \"\" }; private string Remember(Profile p) { if (!_byName.TryGetValue(p.Name, out _)) _byName[p.Name] = p; return p.Name; }")]
        // a private method's caller passes a value of its own making: a parameter, as before
        [InlineData("private readonly Dictionary<string, Profile> [|_cache|] = new(); public void Tick() => Put(Guid.NewGuid().ToString()); private void Put(string id) { if (!_cache.ContainsKey(id)) _cache[id] = Load(id); }")]
        public Task Flags_UserValuesBesideBoundedParts(string members) => VerifySF4001.AnalyzerAsync(Service(members));

        [Fact]
        public Task DoesNotFlag_ConfigurationSectionKeysAndOptionNames() => VerifySF4001.AnalyzerAsync("""
            using System;
            using System.Collections.Concurrent;
            using Microsoft.Extensions.Configuration;
            using Microsoft.Extensions.Options;

            public class Sections
            {
                private readonly IConfiguration _configuration;
                private static readonly ConcurrentDictionary<string, string?> Cache = new();
                public Sections(IConfiguration configuration) => _configuration = configuration;
                public void Warm() { foreach (var section in _configuration.GetChildren()) Cache.GetOrAdd(section.Key, _ => section.Value); }
                public string? Value(IConfigurationSection section) => Cache.GetOrAdd(section.Path, _ => section.Value);
            }

            public class OptionsCache<TOptions> : IOptionsMonitorCache<TOptions> where TOptions : class
            {
                private readonly ConcurrentDictionary<string, Lazy<TOptions>> _cache = new();
                public TOptions GetOrAdd(string? name, Func<TOptions> createOptions) => _cache.GetOrAdd(name ?? Options.DefaultName, _ => new Lazy<TOptions>(createOptions)).Value;
                public bool TryAdd(string? name, TOptions options) => _cache.TryAdd(name ?? Options.DefaultName, new Lazy<TOptions>(() => options));
                public bool TryRemove(string? name) => false;
                public void Clear() { }
            }
            """);

        // ---------------------------------------------------------------- owners' lifetimes (issue #15)

        private const string Parser = """

            public sealed class Parser : System.IDisposable
            {
                public void Dispose() { }
                private readonly Dictionary<string, int> [|_memo|] = new();
                private readonly string _text;
                public Parser(string text) => _text = text;
                public int Parse(string word) { if (!_memo.TryGetValue(word, out var n)) _memo[word] = n = word.Length + _text.Length; return n; }
            }

            """;

        [Theory]
        // made per call and dropped: the receiver of a call, a local used only as a receiver, a using resource
        [InlineData("public static class Use { public static int Run(string text) => new Parser(text).Parse(text); }")]
        [InlineData("public static class Use { public static int Run(string text) { var parser = new Parser(text); return parser.Parse(text) + parser.Parse(\"x\"); } }")]
        // a context made per call and passed to the code that uses it
        [InlineData("public static class Use { public static int Run(string text) => Write(new Parser(text), text); private static int Write(Parser context, string text) => context.Parse(text); }")]
        [InlineData("public static class Use { public static int Run(string text) { var context = new Parser(text); return Write(context, text); } private static int Write(Parser context, string text) => context.Parse(text); }")]
        // the container makes one per scope or per call
        [InlineData("using Microsoft.Extensions.DependencyInjection; public static class Setup { public static void Add(IServiceCollection s) => s.AddScoped<Parser>(); }")]
        [InlineData("using Microsoft.Extensions.DependencyInjection; public static class Setup { public static void Add(IServiceCollection s) => s.AddTransient(typeof(Parser)); }")]
        [InlineData("using Microsoft.Extensions.DependencyInjection; public static class Setup { public static void Add(IServiceCollection s) => s.AddScoped<System.IDisposable, Parser>(); }")]
        [InlineData("using Microsoft.Extensions.DependencyInjection; using Microsoft.Extensions.DependencyInjection.Extensions; public static class Setup { public static void Add(IServiceCollection s) => s.TryAddScoped<Parser>(); }")]
        public Task DoesNotFlag_ShortLivedOwner(string use) => VerifySF4001.AnalyzerAsync("using System.Collections.Generic;\n" + use + Parser.Replace("[|_memo|]", "_memo"));

        [Theory]
        // no evidence of its lifetime: judged as before
        [InlineData("")]
        // a singleton, or held in a static field, or a local of the entry point
        [InlineData("using Microsoft.Extensions.DependencyInjection; public static class Setup { public static void Add(IServiceCollection s) => s.AddSingleton<Parser>(); }")]
        [InlineData("using Microsoft.Extensions.DependencyInjection; public static class Setup { public static void Add(IServiceCollection s) => s.AddSingleton<System.IDisposable, Parser>(); }")]
        [InlineData("using Microsoft.Extensions.DependencyInjection; public static class Setup { public static void Add(IServiceCollection s) => s.AddHostedService<Worker>(); } public sealed class Worker : Microsoft.Extensions.Hosting.BackgroundService { protected override System.Threading.Tasks.Task ExecuteAsync(System.Threading.CancellationToken ct) => System.Threading.Tasks.Task.CompletedTask; private readonly Dictionary<string, int> [|_cache|] = new(); public int Get(string k) => _cache.TryGetValue(k, out var v) ? v : _cache[k] = k.Length; }")]
        [InlineData("using Microsoft.Extensions.DependencyInjection; public static class Setup { public static void Add(IServiceCollection s) { s.AddScoped<Parser>(); s.AddSingleton(new Parser(\"x\")); } }")]
        [InlineData("public static class Use { public static readonly Parser Shared = new Parser(\"x\"); public static int Run(string text) => new Parser(text).Parse(text); }")]
        // created per call but kept: returned, stored in a field
        [InlineData("public static class Use { public static Parser Make(string text) => new Parser(text); }")]
        [InlineData("public sealed class Holder { private readonly Parser _parser; public Holder(string text) { var p = new Parser(text); _parser = p; } public int N => _parser.Parse(\"a\"); }")]
        // passed on to code that could keep it: a field of a type it implements, a list of them
        [InlineData("public static class Use { public static int Run(string text) => Keep(new Parser(text)); private static int Keep(object p) { Kept.Add((Parser)p); return 0; } private static readonly List<Parser> Kept = new(); }")]
        [InlineData("public static class Use { public static void Run(string text) => new Keeper().Keep(new Parser(text)); } public sealed class Keeper { private System.IDisposable? _kept; public void Keep(System.IDisposable d) => _kept = d; }")]
        public Task Flags_OwnerNotShortLived(string use) => VerifySF4001.AnalyzerAsync("using System.Collections.Generic;\n" + use + Parser);

        [Fact]
        public Task Flags_LocalOfTheEntryPoint() => new SteadfastAnalyzerTest<SF4001UnboundedCacheAnalyzer>
        {
            TestState = { OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication },
            Sources = { "using System.Collections.Generic;\nvar parser = new Parser(\"x\"); while (true) { parser.Parse(System.Console.ReadLine()!); }\n" + Parser },
        }.RunAsync();

        [Fact]
        public Task DoesNotFlag_ControllerField() => VerifySF4001.AnalyzerAsync("""
            using System.Collections.Generic;
            using Microsoft.AspNetCore.Mvc;

            public class ProfilesController : ControllerBase
            {
                private readonly Dictionary<string, string> _cache = new();
                [HttpGet("{id}")]
                public string Get(string id) => _cache.TryGetValue(id, out var v) ? v : _cache[id] = id.ToUpperInvariant();
            }
            """);

        [Fact]
        public Task Flags_StaticFieldOfAShortLivedOwner() => VerifySF4001.AnalyzerAsync("""
            using System.Collections.Generic;
            using Microsoft.AspNetCore.Mvc;

            public class ProfilesController : ControllerBase
            {
                private static readonly Dictionary<string, string> [|Cache|] = new();
                [HttpGet("{id}")]
                public string Get(string id) => Cache.TryGetValue(id, out var v) ? v : Cache[id] = id.ToUpperInvariant();
            }
            """);

        // ---------------------------------------------------------------- look-up and store in different methods (issue #15)

        [Theory]
        // the look-up's method passes its key to the method that stores
        [InlineData("private readonly Dictionary<string, string> [|_pages|] = new(); public string Get(string url) { if (_pages.TryGetValue(url, out var page)) return page; page = url.ToUpperInvariant(); Store(url, page); return page; } private void Store(string url, string page) => _pages[url] = page;")]
        // the store's method passes its key to the method that looks up
        [InlineData("private readonly Dictionary<Guid, Profile> [|_profiles|] = new(); public Profile Get(Guid user) { var known = Find(user); if (known is not null) return known; var p = Load(user.ToString()); _profiles[user] = p; return p; } private Profile? Find(Guid id) => _profiles.TryGetValue(id, out var p) ? p : null;")]
        // a property of the same parameter
        [InlineData("private readonly Dictionary<string, string> [|_pages|] = new(); public string Get(Profile request) { if (_pages.ContainsKey(request.Name)) return _pages[request.Name]; var page = request.Name.ToUpperInvariant(); Remember(request.Name, page); return page; } private void Remember(string key, string page) => _pages.Add(key, page);")]
        public Task Flags_LookupAndStoreAcrossACall(string members) => VerifySF4001.AnalyzerAsync(Service(members));

        [Theory]
        // the stored key is another value than the one looked up
        [InlineData("private readonly Dictionary<string, string> _pages = new(); public string Get(string url, string other) { if (_pages.TryGetValue(url, out var page)) return page; page = url.ToUpperInvariant(); Store(other, page); return page; } private void Store(string url, string page) => _pages[url] = page;")]
        // two public methods with a parameter of the same name are not the same value (a registry)
        [InlineData("private readonly Dictionary<string, string> _pages = new(); public string? Get(string url) => _pages.TryGetValue(url, out var page) ? page : null; public void Set(string url, string page) => _pages[url] = page;")]
        // the look-up is in a method the store's method does not call
        [InlineData("private readonly Dictionary<string, string> _pages = new(); public bool Has(string url) => Find(url) is not null; public void Set(string url) => _pages[url] = url; private string? Find(string url) => _pages.TryGetValue(url, out var page) ? page : null;")]
        public Task DoesNotFlag_LookupAndStoreOfDifferentValues(string members) => VerifySF4001.AnalyzerAsync(Service(members));

        // ---------------------------------------------------------------- lock maps in long-lived services (issue #15)

        [Fact]
        public Task Flags_LockMapOfAHostedService_KeyedByFetchedData() => VerifySF4001.AnalyzerAsync("""
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.Extensions.Hosting;

            public interface IFeeds { Task<IReadOnlyList<string>> UrlsAsync(CancellationToken ct); }

            public sealed class Poller : BackgroundService
            {
                private readonly IFeeds _feeds;
                private readonly ConcurrentDictionary<string, SemaphoreSlim> {|#0:_gates|} = new();
                public Poller(IFeeds feeds) => _feeds = feeds;
                protected override async Task ExecuteAsync(CancellationToken ct)
                {
                    foreach (var url in await _feeds.UrlsAsync(ct))
                    {
                        var gate = _gates.GetOrAdd(url, _ => new SemaphoreSlim(1, 1));
                        await gate.WaitAsync(ct);
                        gate.Release();
                    }
                }
            }
            """, VerifySF4001.Diagnostic("SF4001").WithLocation(0).WithMessage("'_gates' holds a lock per key, but nothing ever removes an entry: it grows with every new key until the process runs out of memory"));

        [Fact]
        public Task Flags_LockMapOfASingleton() => VerifySF4001.AnalyzerAsync("""
            using System.Collections.Concurrent;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.Extensions.DependencyInjection;

            public sealed class Throttle
            {
                private readonly ConcurrentDictionary<string, SemaphoreSlim> [|_locks|] = new();
                public async Task RunAsync(string userId) { var gate = GateFor(userId); await gate.WaitAsync(); gate.Release(); }
                private SemaphoreSlim GateFor(string key) => _locks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
            }

            public static class Setup { public static void Add(IServiceCollection services) => services.AddSingleton<Throttle>(); }
            """);

        [Theory]
        // the lock is taken out again
        [InlineData("foreach (var url in await _feeds.UrlsAsync(ct)) { var gate = _gates.GetOrAdd(url, _ => new SemaphoreSlim(1, 1)); await gate.WaitAsync(ct); gate.Release(); _gates.TryRemove(url, out _); }")]
        // fetched keys in a map that is not a lock map nor a time per key: not judged outside
        [InlineData("foreach (var url in await _feeds.UrlsAsync(ct)) { _titles.TryAdd(url, url.Length); }")]
        public Task DoesNotFlag_HostedServiceMaps(string body) => VerifySF4001.AnalyzerAsync("""
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.Extensions.Hosting;

            public interface IFeeds { Task<IReadOnlyList<string>> UrlsAsync(CancellationToken ct); }

            public sealed class Poller : BackgroundService
            {
                private readonly IFeeds _feeds;
                private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new();
                private readonly ConcurrentDictionary<string, int> _titles = new();
                public Poller(IFeeds feeds) => _feeds = feeds;
                protected override async Task ExecuteAsync(CancellationToken ct)
                {
                    BODY
                }
                public int Count => _gates.Count + _titles.Count;
            }
            """.Replace("BODY", body));

        // ---------------------------------------------------------------- static maps keyed by domain objects (issue #15)

        private const string Guilds = """
            using System;
            using System.Collections.Generic;

            public sealed class Guild { public ulong Id { get; init; } }
            public sealed class GuildState { public int Messages; }

            """;

        [Fact]
        public Task Flags_StaticMapKeyedByDomainObjects() => VerifySF4001.AnalyzerAsync(Guilds + """
            public static class Tracker
            {
                private static readonly Dictionary<Guild, GuildState> {|#0:States|} = new();
                public static void OnMessage(Guild guild) { States[guild] = new GuildState(); }
                public static int Count(Guild guild) => States.TryGetValue(guild, out var s) ? s.Messages : 0;
            }
            """, VerifySF4001.Diagnostic("SF4001").WithLocation(0).WithMessage("'States' keeps every key object alive, but nothing ever removes an entry: it grows with every new key until the process runs out of memory"));

        [Fact]
        public Task Fix_NotOfferedForDomainObjectKeys() => VerifySF4001.NoCodeFixAsync(Guilds + """
            public static class Tracker
            {
                private static readonly Dictionary<Guild, GuildState> [|States|] = new();
                public static void OnMessage(Guild guild) => States[guild] = new GuildState();
            }
            """, Key);

        [Theory]
        // removed when the guild goes
        [InlineData("private static readonly Dictionary<Guild, GuildState> States = new(); public static void OnMessage(Guild guild) => States[guild] = new GuildState(); public static void OnLeft(Guild guild) => States.Remove(guild);")]
        // keyed by the id (a value), not the object
        [InlineData("private static readonly Dictionary<ulong, GuildState> States = new(); public static void OnMessage(Guild guild) => States[guild.Id] = new GuildState();")]
        // a key with value semantics: a record, a class overriding Equals, IEquatable
        [InlineData("private static readonly Dictionary<Key, GuildState> States = new(); public static void OnMessage(Guild guild) => States[new Key(guild.Id)] = new GuildState(); public record Key(ulong Id);")]
        [InlineData("private static readonly Dictionary<Key, GuildState> States = new(); public static void OnMessage(Key key) => States[key] = new GuildState(); public sealed class Key { public override bool Equals(object? o) => o is Key; public override int GetHashCode() => 0; }")]
        [InlineData("private static readonly Dictionary<Key, GuildState> States = new(); public static void OnMessage(Key key) => States[key] = new GuildState(); public sealed class Key : IEquatable<Key> { public bool Equals(Key? o) => o is not null; }")]
        // filled from the class's own state
        [InlineData("private static readonly Dictionary<Guild, GuildState> States = new(); private static readonly List<Guild> Known = new(); public static void Fill() { foreach (var g in Known) States[g] = new GuildState(); }")]
        public Task DoesNotFlag_StaticMapsNotPinningObjects(string members) => VerifySF4001.AnalyzerAsync(Guilds + "public static class Tracker { " + members + " }");

        /// <summary>A key type that does not resolve (references not restored) is never taken for a class compared by reference.</summary>
        [Fact]
        public Task DoesNotFlag_StaticMapKeyedByAnUnresolvedType() => VerifySF4001.AnalyzerAsync("""
            using System.Collections.Generic;

            public static class Tracker
            {
                private static readonly Dictionary<{|CS0246:DiscordGuild|}, int> States = new();
                public static void OnMessage({|CS0246:DiscordGuild|} guild) => States[guild] = 1;
            }
            """);

        [Fact]
        public Task DoesNotFlag_InstanceMapKeyedByDomainObjects() => VerifySF4001.AnalyzerAsync(Guilds + """
            public sealed class Tracker
            {
                private readonly Dictionary<Guild, GuildState> _states = new();
                public void OnMessage(Guild guild) => _states[guild] = new GuildState();
            }
            """);

        // ---------------------------------------------------------------- times per key (issue #15)

        [Theory]
        [InlineData("private readonly Dictionary<string, DateTime> {|#0:_lastSeen|} = new(); public void Seen(string url) => _lastSeen[url] = DateTime.UtcNow; public bool Recent(string url) => _lastSeen.TryGetValue(url, out var t) && DateTime.UtcNow - t < TimeSpan.FromMinutes(5);")]
        [InlineData("private static readonly ConcurrentDictionary<Guid, DateTimeOffset> {|#0:LastCommand|} = new(); public void Command(Guid user) { LastCommand[user] = DateTimeOffset.UtcNow; }")]
        public Task Flags_TimePerKey(string members) => VerifySF4001.AnalyzerAsync(Service(members),
            VerifySF4001.Diagnostic("SF4001").WithLocation(0)
                .WithMessage("'" + members.Split('#')[1].Split(':')[1].Split('|')[0] + "' records a time per key, but nothing ever removes an entry: it grows with every new key until the process runs out of memory"));

        [Theory]
        // removed again
        [InlineData("private readonly Dictionary<string, DateTime> _lastSeen = new(); public void Seen(string url) => _lastSeen[url] = DateTime.UtcNow; public void Forget(string url) => _lastSeen.Remove(url);")]
        // keys from the program
        [InlineData("private readonly Dictionary<Tier, DateTime> _lastSeen = new(); public void Seen(Tier t) => _lastSeen[t] = DateTime.UtcNow;")]
        [InlineData("private readonly Dictionary<string, DateTime> _lastRun = new(); public void Ran() => _lastRun[nameof(Ran)] = DateTime.UtcNow;")]
        // a value that is not a time
        [InlineData("private readonly Dictionary<string, TimeSpan> _budgets = new(); public void Set(string user, TimeSpan t) => _budgets[user] = t;")]
        // stored with Add (a registration), not overwritten per key
        [InlineData("private readonly Dictionary<string, DateTime> _created = new(); public void Register(string user) => _created.Add(user, DateTime.UtcNow);")]
        public Task DoesNotFlag_TimePerKeyLookAlikes(string members) => VerifySF4001.AnalyzerAsync(Service(members));

        [Fact]
        public Task Fix_TimePerKey() => VerifySF4001.CodeFixAsync(Service("""

                private readonly Dictionary<string, DateTime> [|_lastSeen|] = new();
                public void Seen(string url) => _lastSeen[url] = DateTime.UtcNow;
            """), Service("""

                private readonly BoundedCache<string, DateTime> _lastSeen = new(capacity: 1024);
                public void Seen(string url) => _lastSeen[url] = DateTime.UtcNow;
            """, Usings + "using Steadfast;\n"), Key);

        // ---------------------------------------------------------------- fix

        [Fact]
        public Task Fix_Dictionary_TargetTypedNew() => VerifySF4001.CodeFixAsync(Service("""

                private readonly Dictionary<string, Profile> [|_cache|] = new();
                public Profile Get(string id)
                {
                    if (!_cache.TryGetValue(id, out var p))
                    {
                        p = Load(id);
                        _cache[id] = p;
                    }

                    return p;
                }
                public int Count => _cache.Count;
                public bool Has(string id) => _cache.ContainsKey(id);
                public Profile? Maybe(string id) => _cache.GetValueOrDefault(id);
                public IEnumerable<string> Names => _cache.Keys.OrderBy(k => k);
            """), Service("""

                private readonly BoundedCache<string, Profile> _cache = new(capacity: 1024);
                public Profile Get(string id)
                {
                    if (!_cache.TryGetValue(id, out var p))
                    {
                        p = Load(id);
                        _cache[id] = p;
                    }

                    return p;
                }
                public int Count => _cache.Count;
                public bool Has(string id) => _cache.ContainsKey(id);
                public Profile? Maybe(string id) => _cache.GetValueOrDefault(id);
                public IEnumerable<string> Names => _cache.Keys.OrderBy(k => k);
            """, Usings + "using Steadfast;\n"), Key);

        [Fact]
        public Task Fix_ConcurrentDictionary_KeepsTheComparer_DropsTheSizes() => VerifySF4001.CodeFixAsync(Service("""

                private static readonly ConcurrentDictionary<string, Profile> [|Profiles|] = new ConcurrentDictionary<string, Profile>(Environment.ProcessorCount, 64, StringComparer.OrdinalIgnoreCase);
                public Profile Get(string id) => Profiles.GetOrAdd(id, Load);
                public Profile Touch(string id) => Profiles.AddOrUpdate(id, Load, (k, old) => old);
                public Profile[] All() => Profiles.ToArray().Select(p => p.Value).ToArray();
            """), Service("""

                private static readonly BoundedCache<string, Profile> Profiles = new BoundedCache<string, Profile>(capacity: 1024, StringComparer.OrdinalIgnoreCase);
                public Profile Get(string id) => Profiles.GetOrAdd(id, Load);
                public Profile Touch(string id) => Profiles.AddOrUpdate(id, Load, (k, old) => old);
                public Profile[] All() => Profiles.ToArray().Select(p => p.Value).ToArray();
            """, Usings + "using Steadfast;\n"), Key);

        [Fact]
        public Task Fix_CreatedInTheConstructor_AndCollectionInitializerKept() => VerifySF4001.CodeFixAsync(Service("""

                private readonly Dictionary<string, Profile> [|_cache|];
                private readonly Dictionary<string, Profile> [|_memo|] = new Dictionary<string, Profile> { ["admin"] = new Profile("admin") };
                public ProfileService() { _cache = new Dictionary<string, Profile>(StringComparer.Ordinal); }
                public void Put(string id) { _cache[id] = Load(id); _memo.Add(id, Load(id)); }
            """), Service("""

                private readonly BoundedCache<string, Profile> _cache;
                private readonly BoundedCache<string, Profile> _memo = new BoundedCache<string, Profile>(capacity: 1024) { ["admin"] = new Profile("admin") };
                public ProfileService() { _cache = new BoundedCache<string, Profile>(capacity: 1024, StringComparer.Ordinal); }
                public void Put(string id) { _cache[id] = Load(id); _memo.Add(id, Load(id)); }
            """, Usings + "using Steadfast;\n"), Key);

        [Fact]
        public Task Fix_CapacityFromEditorConfig() => new SteadfastCodeFixTest<SF4001UnboundedCacheAnalyzer, SF4001UnboundedCacheCodeFix>
        {
            EditorConfig = "[*.cs]\nSF4001.capacity = 50000",
            TestCode = Service("private readonly Dictionary<string, Profile> [|_cache|] = new(); public void Put(string id) => _cache[id] = Load(id);"),
            FixedCode = Service("private readonly BoundedCache<string, Profile> _cache = new(capacity: 50000); public void Put(string id) => _cache[id] = Load(id);", Usings + "using Steadfast;\n"),
            CodeActionEquivalenceKey = Key,
        }.RunAsync();

        [Fact]
        public Task Fix_QualifiedTypeNameAndNoUsingWhenBoundedCacheIsTaken() => VerifySF4001.CodeFixAsync("""

            namespace App
            {
                public class BoundedCache { }
                public class Bot
                {
                    private readonly System.Collections.Generic.Dictionary<string, string> [|_cache|] = new System.Collections.Generic.Dictionary<string, string>();
                    public void Put(string id) => _cache[id] = id;
                }
            }
            """, """

            using Steadfast;

            namespace App
            {
                public class BoundedCache { }
                public class Bot
                {
                    private readonly BoundedCache<string, string> _cache = new BoundedCache<string, string>(capacity: 1024);
                    public void Put(string id) => _cache[id] = id;
                }
            }
            """, Key);

        /// <summary>
        /// Offered from local checks alone (no compiling at lightbulb time): Keys and Values used only as what BoundedCache's
        /// give (a LINQ receiver, a foreach) keep the fix; the chosen fix still proves the result compiles.
        /// </summary>
        [Fact]
        public Task Fix_KeysAndValuesUsedAsEnumerables() => VerifySF4001.CodeFixAsync(Service("""

                private readonly Dictionary<string, Profile> [|_cache|] = new();
                public void Put(string id) => _cache[id] = Load(id);
                public int Named => _cache.Values.Count(p => p.Name.Length > 0);
                public IEnumerable<string> Sorted() { foreach (var k in _cache.Keys) { yield return k; } }
            """), Service("""

                private readonly BoundedCache<string, Profile> _cache = new(capacity: 1024);
                public void Put(string id) => _cache[id] = Load(id);
                public int Named => _cache.Values.Count(p => p.Name.Length > 0);
                public IEnumerable<string> Sorted() { foreach (var k in _cache.Keys) { yield return k; } }
            """).Replace("using System.Threading.Tasks;\n", "using System.Threading.Tasks;\nusing Steadfast;\n"), Key);

        [Theory]
        // values that are locks: evicting a held one would let two callers in
        [InlineData("private static readonly ConcurrentDictionary<string, SemaphoreSlim> [|Locks|] = new(); public Task Run(string user) => Locks.GetOrAdd(user, _ => new SemaphoreSlim(1, 1)).WaitAsync();")]
        // a member BoundedCache does not have
        [InlineData("private readonly Dictionary<string, Profile> [|_cache|] = new(); public void Put(string id) { _cache.EnsureCapacity(100); _cache[id] = Load(id); }")]
        [InlineData("private readonly Dictionary<string, Profile> [|_cache|] = new(); public void Put(string id) => _cache[id] = Load(id); public Dictionary<string, Profile>.KeyCollection Keys() => _cache.Keys;")]
        [InlineData("private readonly Dictionary<string, Profile> [|_cache|] = new(); public void Put(string id) => _cache[id] = Load(id); public Dictionary<string, Profile>.ValueCollection All => _cache.Values;")]
        [InlineData("private readonly Dictionary<string, Profile> [|_cache|] = new(); public void Put(string id) => _cache[id] = Load(id); public int Capacity => _cache.EnsureCapacity(0);")]
        // created as a copy of another dictionary
        [InlineData("private static readonly Dictionary<string, Profile> Seed = new(); private readonly Dictionary<string, Profile> [|_cache|] = new(Seed); public void Put(string id) => _cache[id] = Load(id);")]
        // declared together with another field
        [InlineData("private readonly Dictionary<string, Profile> [|_cache|] = new(), _other = new(); public void Put(string id) => _cache[id] = Load(id); public int N => _other.Count;")]
        public Task Fix_NotOffered(string members) => VerifySF4001.NoCodeFixAsync(Service(members), Key);

        [Fact]
        public Task Fix_NotOfferedWithoutRuntime() => new SteadfastCodeFixTest<SF4001UnboundedCacheAnalyzer, SF4001UnboundedCacheCodeFix>
        {
            ReferenceSteadfastRuntime = false,
            TestCode = "using System.Collections.Generic; class C { private readonly Dictionary<string, string> [|_cache|] = new(); public void Put(string k) => _cache[k] = k; }",
            CodeActionEquivalenceKey = Key,
        }.RunAsync();

        [Fact]
        public Task Fix_NotOfferedWhenAnotherPartUsesTheField() => new SteadfastCodeFixTest<SF4001UnboundedCacheAnalyzer, SF4001UnboundedCacheCodeFix>
        {
            Sources =
            {
                "using System.Collections.Generic; public partial class Bot { private readonly Dictionary<string, string> [|_cache|] = new(); }",
                "public partial class Bot { public void Put(string id) => _cache[id] = id; }",
            },
            CodeActionEquivalenceKey = Key,
        }.RunAsync();

        [Fact]
        public Task FixAll_EveryFieldInEveryDocument() => new SteadfastCodeFixTest<SF4001UnboundedCacheAnalyzer, SF4001UnboundedCacheCodeFix>
        {
            Sources =
            {
                "using System.Collections.Generic;\nclass A\n{\n    private readonly Dictionary<string, int> [|_cache|] = new();\n    private readonly Dictionary<string, string> [|_memo|] = new();\n    public void Put(string k) { _cache[k] = k.Length; _memo[k] = k; }\n}",
                "using System.Collections.Concurrent;\nclass B\n{\n    private static readonly ConcurrentDictionary<int, string> [|Cache|] = new();\n    public string Get(int k) => Cache.GetOrAdd(k, x => x.ToString());\n}",
            },
            FixedSources =
            {
                "using System.Collections.Generic;\nusing Steadfast;\nclass A\n{\n    private readonly BoundedCache<string, int> _cache = new(capacity: 1024);\n    private readonly BoundedCache<string, string> _memo = new(capacity: 1024);\n    public void Put(string k) { _cache[k] = k.Length; _memo[k] = k; }\n}",
                "using System.Collections.Concurrent;\nusing Steadfast;\nclass B\n{\n    private static readonly BoundedCache<int, string> Cache = new(capacity: 1024);\n    public string Get(int k) => Cache.GetOrAdd(k, x => x.ToString());\n}",
            },
            CodeActionEquivalenceKey = Key,
        }.RunAsync();
    }
}
