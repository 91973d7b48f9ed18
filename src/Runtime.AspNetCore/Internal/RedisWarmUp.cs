using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;

namespace Steadfast
{
    /// <summary>Connects the Redis mode's store while the host starts (see <see cref="RedisStore.WarmUpAsync"/>).</summary>
    internal sealed class RedisWarmUp : IHostedService
    {
        private readonly RedisStore _store;

        public RedisWarmUp(RedisStore store)
        {
            _store = store;
        }

        public Task StartAsync(CancellationToken cancellationToken) => _store.WarmUpAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
