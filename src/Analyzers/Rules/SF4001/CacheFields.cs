using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Steadfast.Analyzers.Internal;

namespace Steadfast.Analyzers.Rules.SF4001
{
    /// <summary>Which fields of a type SF4001 watches: private <c>Dictionary</c>/<c>ConcurrentDictionary</c> fields whose keys are not a finite domain.</summary>
    internal static class CacheFields
    {
        /// <summary>The watched fields of <paramref name="type"/>, or null when there are none.</summary>
        public static Dictionary<IFieldSymbol, FieldUsage>? Find(INamedTypeSymbol type, SF4001Symbols types)
        {
            Dictionary<IFieldSymbol, FieldUsage>? found = null;
            foreach (var member in type.GetMembers())
            {
                if (member is not IFieldSymbol { DeclaredAccessibility: Accessibility.Private, IsConst: false, IsImplicitlyDeclared: false } field ||
                    field.Type is not INamedTypeSymbol { TypeArguments.Length: 2 } fieldType ||
                    !(KnownTypes.Is(fieldType, types.Dictionary) || KnownTypes.Is(fieldType, types.ConcurrentDictionary)) ||
                    IsFinite(fieldType.TypeArguments[0], types, depth: 0))
                {
                    continue;
                }

                if (IsNamedInNestedTypes(type, field.Name))
                {
                    continue; // a nested type's operations are out of this type's sight: it could remove entries there
                }

                found ??= new Dictionary<IFieldSymbol, FieldUsage>(SymbolEqualityComparer.Default);
                found[field] = new FieldUsage(field, NameSaysCache(field.Name), HoldsLocks(fieldType.TypeArguments[1], field.Name));
            }

            return found;
        }

        /// <summary>True when a nested type's source mentions the name at all (a syntactic test: cheap, and errs on the side of silence).</summary>
        internal static bool IsNamedInNestedTypes(INamedTypeSymbol type, string name)
        {
            foreach (var nested in type.GetTypeMembers())
            {
                foreach (var reference in nested.DeclaringSyntaxReferences)
                {
                    foreach (var token in reference.GetSyntax().DescendantTokens())
                    {
                        if (token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText == name)
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        /// <summary>Keys that can only take a bounded number of values: bool, enums, bytes, reflection objects (one per program element), tuples of those.</summary>
        internal static bool IsFinite(ITypeSymbol key, SF4001Symbols types, int depth)
        {
            switch (key.SpecialType)
            {
                case SpecialType.System_Boolean:
                case SpecialType.System_Byte:
                case SpecialType.System_SByte:
                    return true;
            }

            if (key.TypeKind == TypeKind.Enum)
            {
                return true;
            }

            if (key is INamedTypeSymbol named)
            {
                if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T && named.TypeArguments.Length == 1)
                {
                    return IsFinite(named.TypeArguments[0], types, depth + 1);
                }

                if (named.IsTupleType && depth < 4)
                {
                    foreach (var element in named.TupleElements)
                    {
                        if (!IsFinite(element.Type, types, depth + 1))
                        {
                            return false;
                        }
                    }

                    return named.TupleElements.Length > 0;
                }
            }

            return KnownTypes.DerivesFrom(key, types.MemberInfo) || KnownTypes.DerivesFrom(key, types.ParameterInfo) || KnownTypes.DerivesFrom(key, types.Type);
        }

        private static bool NameSaysCache(string name) =>
            name.IndexOf("cache", StringComparison.OrdinalIgnoreCase) >= 0 || name.IndexOf("memo", StringComparison.OrdinalIgnoreCase) >= 0;

        private static readonly string[] LockTypeSuffixes = { "Lock", "LockSlim", "Semaphore", "SemaphoreSlim", "Mutex", "Limiter", "Bucket", "Throttle" };

        /// <summary>Values that are locks, semaphores or rate limiters (by type; a plain <c>object</c> when the field's name says lock).</summary>
        private static bool HoldsLocks(ITypeSymbol value, string fieldName)
        {
            if (value.SpecialType == SpecialType.System_Object)
            {
                return fieldName.IndexOf("lock", StringComparison.OrdinalIgnoreCase) >= 0 || fieldName.IndexOf("gate", StringComparison.OrdinalIgnoreCase) >= 0;
            }

            for (var type = value; type is not null; type = type.BaseType)
            {
                foreach (var suffix in LockTypeSuffixes)
                {
                    if (type.Name.EndsWith(suffix, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }

    /// <summary>What kind of grow-only map a field is; the message's second argument and the fix's hint.</summary>
    internal enum CacheShape
    {
        None,

        /// <summary>Named a cache, or memoising (a look-up and a store of the same outside value, <c>GetOrAdd</c>, <c>AddOrUpdate</c>).</summary>
        Cache,

        /// <summary>Values are locks, semaphores or rate limiters: no automatic fix (evicting a held lock breaks exclusion).</summary>
        Locks,

        /// <summary>A static map keyed by objects compared by reference: pins each one forever; no automatic fix (the values are state, not a cache).</summary>
        PinsKeys,

        /// <summary>A time stored per outside key through the indexer (<c>_lastSeen[url] = DateTime.UtcNow</c>).</summary>
        TimePerKey,
    }

    /// <summary>Everything seen of one field across the type; guarded by locking the instance.</summary>
    internal sealed class FieldUsage
    {
        private readonly List<FieldUse> _adds = new List<FieldUse>();
        private readonly List<FieldUse> _lookups = new List<FieldUse>();
        private bool _escapes;
        private bool _removes;

        public FieldUsage(IFieldSymbol field, bool nameSaysCache, bool holdsLocks)
        {
            Field = field;
            NameSaysCache = nameSaysCache;
            HoldsLocks = holdsLocks;
        }

        public IFieldSymbol Field { get; }

        public bool NameSaysCache { get; }

        public bool HoldsLocks { get; }

        /// <summary>Stored to after construction, never removed from, never escapes: only then are the keys judged.</summary>
        public bool MayGrow => !_escapes && !_removes && _adds.Count > 0;

        public void Record(FieldUse use)
        {
            switch (use.Kind)
            {
                case UseKind.Escape:
                    _escapes = true;
                    break;
                case UseKind.Remove:
                    _removes = true;
                    break;
                case UseKind.Lookup when use.Body is not null && use.Key is not null:
                    _lookups.Add(use);
                    break;
                case UseKind.Add when !use.AtConstruction && use.Body is not null && use.Key is not null:
                    _adds.Add(use);
                    break;
            }
        }

        /// <summary>
        /// The shape when the field grows at run time with keys that are request, message or user input by evidence (or, for
        /// lock maps and times per key, fetched data), never shrinks, never escapes, and is a cache
        /// (by name or by the look-up/compute/store shape), a lock map, a static map pinning key objects, or a time per key.
        /// </summary>
        /// <remarks>
        /// Whether a key is outside input is the costly fact (a public method's parameter is judged by binding its callers in
        /// the whole compilation, see <see cref="InputSources"/>), so it is asked last and only of the stores that would
        /// decide the shape: first the cheap facts of the field and of each store, then the stores in the order of the
        /// shapes, stopping at the first that settles it. The result is the one of judging every store first.
        /// </remarks>
        public CacheShape Verdict(CallSites calls, KeyDomain domain, SF4001Symbols types)
        {
            if (!MayGrow)
            {
                return CacheShape.None;
            }

            var fieldType = (INamedTypeSymbol)Field.Type;
            var timePerKey = IsTime(fieldType.TypeArguments[1], types);
            var fetchedCounts = HoldsLocks || timePerKey;

            // Null: not judged yet; else whether the store's key is outside input (or fetched data, where that counts).
            var external = new bool?[_adds.Count];
            bool IsExternal(int i)
            {
                if (external[i] is not { } known)
                {
                    var origin = calls.Resolve(domain.Classify(_adds[i].Key!), Field.IsStatic, domain);
                    external[i] = known = origin == KeyOrigin.Input || (origin == KeyOrigin.Fetched && fetchedCounts);
                }

                return known;
            }

            // A lock map: any store of an outside key settles it.
            if (HoldsLocks)
            {
                return AnyExternal(IsExternal) ? CacheShape.Locks : CacheShape.None;
            }

            // A cache: a store named or shaped as one (memoised, or looked up first) with an outside key.
            for (var i = 0; i < _adds.Count; i++)
            {
                var add = _adds[i];
                if ((NameSaysCache || add.Memoises || IsLookedUp(add, calls)) && IsExternal(i))
                {
                    return CacheShape.Cache;
                }
            }

            // A static map pinning its key objects: likewise.
            if (Field.IsStatic && ComparesByReference(fieldType.TypeArguments[0], domain, types))
            {
                return AnyExternal(IsExternal) ? CacheShape.PinsKeys : CacheShape.None;
            }

            if (timePerKey)
            {
                for (var i = 0; i < _adds.Count; i++)
                {
                    if (_adds[i].IndexerStore && IsExternal(i))
                    {
                        return CacheShape.TimePerKey;
                    }
                }
            }

            return CacheShape.None;
        }

        private bool AnyExternal(Func<int, bool> isExternal)
        {
            for (var i = 0; i < _adds.Count; i++)
            {
                if (isExternal(i))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A look-up of the same value as the store: in the same body, or across a call of a private method or local function that passes it on.</summary>
        private bool IsLookedUp(FieldUse add, CallSites calls)
        {
            foreach (var lookup in _lookups)
            {
                if (lookup.Body == add.Body && KeyEquivalence.Same(add.Key!, lookup.Key!, null))
                {
                    return true;
                }

                if (Across(add, lookup, calls) || Across(lookup, add, calls))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary><paramref name="callee"/>'s key reads its method's parameters, and that method is called from <paramref name="caller"/>'s body with the caller's key.</summary>
        private static bool Across(FieldUse callee, FieldUse caller, CallSites calls)
        {
            if (callee.Function is null)
            {
                return false;
            }

            foreach (var site in calls.Of(callee.Function))
            {
                if (site.Body == caller.Body && KeyEquivalence.Same(callee.Key!, caller.Key!, site.Substitutions))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsTime(ITypeSymbol value, SF4001Symbols types) =>
            value.SpecialType == SpecialType.System_DateTime || KnownTypes.Is(value, types.DateTimeOffset);

        /// <summary>A class compared by reference: not a string, record or bounded type, no <c>Equals</c> override, no <c>IEquatable&lt;T&gt;</c>.</summary>
        private static bool ComparesByReference(ITypeSymbol key, KeyDomain domain, SF4001Symbols types)
        {
            if (key.TypeKind != TypeKind.Class || key.SpecialType != SpecialType.None || key.IsRecord || domain.IsBoundedType(key) || types.EquatableOfT is null)
            {
                return false;
            }

            for (var type = key; type is not null && type.SpecialType != SpecialType.System_Object; type = type.BaseType)
            {
                if (type.TypeKind == TypeKind.Error)
                {
                    return false; // never on the strength of a type that does not resolve
                }

                foreach (var member in type.GetMembers("Equals"))
                {
                    if (member is IMethodSymbol { IsOverride: true, Parameters.Length: 1 })
                    {
                        return false;
                    }
                }
            }

            foreach (var implemented in key.AllInterfaces)
            {
                if (KnownTypes.Is(implemented, types.EquatableOfT))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
