using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Steadfast.Tests.Runtime.RateLimiting
{
    /// <summary>
    /// A real <c>redis-server</c> (Debian's package; <c>.ci/run</c> installs it) started on 127.0.0.1 at a free port,
    /// with no persistence, and stopped (killed) by the test. Missing from PATH is a failure with the install command, not a skip.
    /// </summary>
    internal sealed class RedisServer : IAsyncDisposable
    {
        private readonly Process _process;

        private RedisServer(Process process, int port)
        {
            _process = process;
            Port = port;
        }

        public int Port { get; }

        public string Configuration => $"127.0.0.1:{Port}";

        public static Task<RedisServer> StartAsync() => StartOnAsync(FreePort());

        /// <summary>Starts a server on this port (a restart on the port of a killed one), found on <paramref name="path"/> (default: PATH).</summary>
        public static async Task<RedisServer> StartOnAsync(int port, string? path = null)
        {
            var executable = FindOnPath("redis-server", path ?? Environment.GetEnvironmentVariable("PATH") ?? string.Empty) ?? throw new InvalidOperationException(
                "redis-server is not on PATH: the Redis rate limiting tests need a real Redis. Install it (Debian/Ubuntu, as root): apt-get update && apt-get install -y redis-server. .ci/run does this when it is missing.");
            var start = new ProcessStartInfo(executable)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes", "--daemonize", "no" })
            {
                start.ArgumentList.Add(argument);
            }

            var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
            var output = new StringBuilder();
            process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            var server = new RedisServer(process, port);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (DateTime.UtcNow < deadline)
            {
                if (process.HasExited)
                {
                    break;
                }

                if (await PingAsync(port))
                {
                    return server;
                }

                await Task.Delay(50);
            }

            await server.DisposeAsync();
            lock (output)
            {
                throw new InvalidOperationException($"redis-server on 127.0.0.1:{port} did not answer PING within 20 s. Its output:\n{output}");
            }
        }

        /// <summary>Kills the server at once (no shutdown), as a crash or a network loss would look to the clients.</summary>
        public async Task KillAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync();
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await KillAsync();
            }
            catch (InvalidOperationException)
            {
                // never started
            }

            _process.Dispose();
        }

        /// <summary>A port nothing listens on (bound, then released).</summary>
        public static int FreePort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        private static async Task<bool> PingAsync(int port)
        {
            try
            {
                using var client = new TcpClient();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
                var stream = client.GetStream();
                await stream.WriteAsync(Encoding.ASCII.GetBytes("PING\r\n"), timeout.Token);
                var buffer = new byte[16];
                var read = await stream.ReadAsync(buffer, timeout.Token);
                return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException)
            {
                return false;
            }
        }

        private static string? FindOnPath(string name, string path)
        {
            foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }
    }
}
