using System;

namespace Steadfast
{
    /// <summary>A tier's limits, copied when the services are added so that later changes to the options change nothing.</summary>
    internal sealed class TierSettings
    {
        public TierSettings(RateLimitTier tier)
        {
            Name = tier.Name;
            PermitLimit = tier.PermitLimit;
            Window = tier.Window;
        }

        public string Name { get; }

        public int PermitLimit { get; }

        public TimeSpan Window { get; }
    }
}
