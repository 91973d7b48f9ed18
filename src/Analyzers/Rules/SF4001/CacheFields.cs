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
                found[field] = new FieldUsage(NameSaysCache(field.Name), HoldsLocks(fieldType.TypeArguments[1], field.Name));
            }

            return found;
        }

        /// <summary>True when a nested type's source mentions the name at all (a syntactic test: cheap, and errs on the side of silence).</summary>
        private static bool IsNamedInNestedTypes(INamedTypeSymbol type, string name)
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

    /// <summary>Everything seen of one field across the type; guarded by locking the instance.</summary>
    internal sealed class FieldUsage
    {
        private readonly List<(SyntaxNode Body, string Key)> _externalAdds = new List<(SyntaxNode, string)>();
        private readonly HashSet<(SyntaxNode Body, string Key)> _lookups = new HashSet<(SyntaxNode, string)>();
        private bool _escapes;
        private bool _removes;
        private bool _memoisesExternalKey;

        public FieldUsage(bool nameSaysCache, bool holdsLocks)
        {
            NameSaysCache = nameSaysCache;
            HoldsLocks = holdsLocks;
        }

        public bool NameSaysCache { get; }

        public bool HoldsLocks { get; }

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
                case UseKind.Lookup when use.Body is not null && use.KeyText is not null:
                    _lookups.Add((use.Body, use.KeyText));
                    break;
                case UseKind.Add when !use.AtConstruction && use.Key == KeySource.External && use.Body is not null && use.KeyText is not null:
                    _externalAdds.Add((use.Body, use.KeyText));
                    _memoisesExternalKey |= use.Memoises;
                    break;
            }
        }

        /// <summary>
        /// True when the field grows at run time with keys from outside, never shrinks, never escapes, and is a cache (by
        /// name or by the look-up/compute/store shape) or a lock map.
        /// </summary>
        public bool TryGetVerdict(out bool holdsLocks)
        {
            holdsLocks = HoldsLocks;
            if (_escapes || _removes || _externalAdds.Count == 0)
            {
                return false;
            }

            if (HoldsLocks || NameSaysCache || _memoisesExternalKey)
            {
                return true;
            }

            foreach (var add in _externalAdds)
            {
                if (_lookups.Contains(add))
                {
                    return true; // looked up and stored under the same key in the same body: memoisation
                }
            }

            return false;
        }
    }
}
