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
