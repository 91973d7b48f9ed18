using Xunit;

namespace Steadfast.Tests.Support
{
    /// <summary>
    /// Tests that run the dotnet CLI on the repository's own projects (pack, build the samples): one at a time and apart
    /// from the rest, or two builds of the same project would write the same obj folder at once.
    /// </summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class DotNetCliCollection
    {
        public const string Name = "dotnet CLI";
    }
}
