using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Steadfast.Tests.Verification
{
    /// <summary>
    /// The assemblies test inputs compile against: this test project's own resolved references, captured at build
    /// time (the .NET and ASP.NET Core reference packs, Microsoft.Extensions.*, Dapper, Microsoft.Data.Sqlite,
    /// Polly.Core and Steadfast.Runtime).
    /// </summary>
    public static class TestReferences
    {
        private static readonly Lazy<ImmutableArray<MetadataReference>> LazyAll = new Lazy<ImmutableArray<MetadataReference>>(Load);

        public static ImmutableArray<MetadataReference> All => LazyAll.Value;

        /// <summary>Everything except Steadfast.Runtime: a project that has not installed the runtime.</summary>
        public static ImmutableArray<MetadataReference> WithoutSteadfastRuntime { get; } =
            All.Where(r => !string.Equals(Path.GetFileNameWithoutExtension(r.Display), "Steadfast.Runtime", StringComparison.OrdinalIgnoreCase)).ToImmutableArray();

        private static ImmutableArray<MetadataReference> Load()
        {
            using var stream = typeof(TestReferences).Assembly.GetManifestResourceStream("test-input-references.txt")
                ?? throw new InvalidOperationException("test-input-references.txt was not embedded; rebuild the test project.");
            using var reader = new StreamReader(stream);
            var builder = ImmutableArray.CreateBuilder<MetadataReference>();
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                line = line.Trim();
                if (line.Length == 0)
                {
                    continue;
                }

                if (!File.Exists(line))
                {
                    throw new InvalidOperationException($"Captured reference '{line}' does not exist; rebuild the test project.");
                }

                builder.Add(MetadataReference.CreateFromFile(line));
            }

            if (builder.Count == 0)
            {
                throw new InvalidOperationException("No references were captured for test inputs.");
            }

            return builder.ToImmutable();
        }
    }
}
