using System.Threading.Tasks;
using Steadfast.CodeFixes.Internal;
using Steadfast.Tests.Verification;
using Xunit;
using VerifySF1002 = Steadfast.Tests.Verification.Verify<Steadfast.Analyzers.Rules.SF1002BackgroundLoopAnalyzer, Steadfast.CodeFixes.Rules.SF1002BackgroundLoopCodeFix>;

namespace Steadfast.Tests.Rules
{
    public sealed class SF1002BackgroundLoopTests
    {
        private static readonly string KeepAliveKey = PlannedCodeFixProvider.PreferredKey("SF1002");

        private const string Usings = """
            using System;
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Channels;
            using System.Threading.Tasks;
            using Microsoft.Extensions.Hosting;
            using Microsoft.Extensions.Logging;

            """;

        /// <summary>A BackgroundService whose ExecuteAsync is <paramref name="body"/>, with a few members to call.</summary>
        private static string Worker(string body) => Usings + """
            class Worker : BackgroundService
            {
                private readonly ILogger<Worker> _logger;
                private readonly IHostApplicationLifetime _lifetime;
                private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();

                public Worker(ILogger<Worker> logger, IHostApplicationLifetime lifetime) { _logger = logger; _lifetime = lifetime; }

                private Task SendFollowUpsAsync(CancellationToken ct) => Task.CompletedTask;
                private void Poll() { }
                private async Task RequeueLaterAsync(CancellationToken ct) { await Task.Delay(1000, ct); Poll(); }

                protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                {
            """ + "\n" + body + """

                }
            }
            """;

        /// <summary>A plain class whose method <c>Start</c> has <paramref name="body"/>.</summary>
        private static string Plain(string body, string members = "") => Usings + """
            class Service
            {
                private Task SendAsync(CancellationToken ct) => Task.CompletedTask;
                private void Poll() { }
            """ + members + """

                public void Start(CancellationToken token)
                {
            """ + "\n" + body + """

                }
            }
            """;

        // ---------------------------------------------------------------- flagged

        [Fact]
        public Task Flags_ExecuteAsync_WithMessage() => VerifySF1002.AnalyzerAsync(
            Worker("""
                    {|#0:while|} (!stoppingToken.IsCancellationRequested)
                    {
                        await SendFollowUpsAsync(stoppingToken);
                        await Task.Delay(1000, stoppingToken);
                    }
            """),
            VerifySF1002.Diagnostic("SF1002").WithLocation(0)
                .WithMessage("The loop in 'Worker.ExecuteAsync' ends for good on the first exception an iteration throws: nothing inside it catches and reports failures"));

        [Theory]
        [InlineData("[|while|] (true) { await SendFollowUpsAsync(stoppingToken); }")]
        [InlineData("[|for|] (;;) { Poll(); await Task.Delay(10, stoppingToken); }")]
        [InlineData("[|do|] { Poll(); } while (!stoppingToken.IsCancellationRequested);")]
        [InlineData("using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1)); [|while|] (await timer.WaitForNextTickAsync(stoppingToken)) { await SendFollowUpsAsync(stoppingToken); }")]
        [InlineData("[|while|] (await _queue.Reader.WaitToReadAsync(stoppingToken)) { var item = await _queue.Reader.ReadAsync(stoppingToken); Poll(); }")]
        [InlineData("await [|foreach|] (var item in _queue.Reader.ReadAllAsync(stoppingToken)) { Poll(); }")]
        [InlineData("[|while|] (!stoppingToken.IsCancellationRequested && _queue.Reader.Count >= 0) { Poll(); }")]
        public Task Flags_EveryForeverLoopShape(string body) => VerifySF1002.AnalyzerAsync(Worker(body));

        [Theory]
        [InlineData("[|while|] (true) { try { Poll(); } finally { Console.WriteLine(\"done\"); } }")] // a try with only finally
        [InlineData("[|while|] (true) { try { Poll(); } catch (OperationCanceledException) { break; } }")] // cancellation only
        [InlineData("[|while|] (true) { try { Poll(); } catch (TaskCanceledException) { } }")]
        [InlineData("[|while|] (true) { try { Poll(); } catch (InvalidOperationException) { } }")] // one kind of failure only
        [InlineData("[|while|] (true) { try { Poll(); } catch (Exception ex) { _logger.LogError(ex, \"x\"); throw; } }")] // always rethrows
        [InlineData("[|while|] (true) { Poll(); try { await SendFollowUpsAsync(stoppingToken); } catch (Exception) { } }")] // part of the body outside the try
        [InlineData("[|while|] (true) { await RequeueLaterAsync(stoppingToken); try { Poll(); } catch (Exception) { } }")] // the same async call, awaited: its failure ends the loop
        [InlineData("try { [|while|] (true) { Poll(); } } catch (Exception ex) { _logger.LogError(ex, \"loop ended\"); }")] // caught outside: the loop is over
        public Task Flags_WhenNothingInsideTheLoopHandlesFailures(string body) => VerifySF1002.AnalyzerAsync(Worker(body));

        [Theory]
        [InlineData("Task.Run(async () => { [|while|] (!token.IsCancellationRequested) { await SendAsync(token); } });")]
        [InlineData("Task.Run(() => { [|while|] (true) { Poll(); } });")]
        [InlineData("Task.Factory.StartNew(() => { [|for|] (;;) { Poll(); } }, TaskCreationOptions.LongRunning);")]
        public Task Flags_LambdaStartedAsBackgroundWork(string body) => VerifySF1002.AnalyzerAsync(Plain("        _ = " + body));

        [Fact]
        public Task Flags_MethodCalledByAStartedLambda() => VerifySF1002.AnalyzerAsync(Plain("        _ = Task.Run(() => RunAsync(token));", """

                private async Task RunAsync(CancellationToken ct)
                {
                    [|while|] (!ct.IsCancellationRequested) { await SendAsync(ct); }
                }

                private void Loop()
                {
                    while (true) { Poll(); }
                }
            """));

        [Fact]
        public Task Flags_MethodGroupStartedAsBackgroundWork() => VerifySF1002.AnalyzerAsync(Plain("        _ = Task.Run(Loop);", """

                private void Loop()
                {
                    [|while|] (true) { Poll(); }
                }
            """));

        [Fact]
        public Task Flags_MethodStartedByHostedServiceStartAsync() => VerifySF1002.AnalyzerAsync(Usings + """
            class Poller : IHostedService
            {
                private Task? _running;
                private readonly CancellationTokenSource _stop = new();
                private void Poll() { }

                public Task StartAsync(CancellationToken cancellationToken)
                {
                    _running = PollForeverAsync(_stop.Token);
                    return Task.CompletedTask;
                }

                public Task StopAsync(CancellationToken cancellationToken) { _stop.Cancel(); return _running ?? Task.CompletedTask; }

                private async Task PollForeverAsync(CancellationToken ct)
                {
                    [|while|] (!ct.IsCancellationRequested)
                    {
                        Poll();
                        await Task.Delay(1000, ct);
                    }
                }
            }
            """);

        // ---------------------------------------------------------------- not flagged

        [Theory]
        [InlineData("while (!stoppingToken.IsCancellationRequested) { try { await SendFollowUpsAsync(stoppingToken); } catch (Exception ex) { _logger.LogError(ex, \"failed\"); } await Task.Delay(1000, stoppingToken); }")]
        [InlineData("while (true) { try { Poll(); } catch { } }")] // bare catch
        [InlineData("while (true) { try { Poll(); } catch (Exception ex) when (ex is not OperationCanceledException) { _logger.LogError(ex, \"x\"); } }")]
        [InlineData("while (true) { try { Poll(); } catch (OperationCanceledException) { break; } catch (Exception ex) { _logger.LogError(ex, \"x\"); } }")]
        [InlineData("while (true) { try { Poll(); } catch (Exception ex) { if (ex is OutOfMemoryException) throw; _logger.LogError(ex, \"x\"); } }")] // rethrows only sometimes
        [InlineData("while (true) { try { Poll(); } catch (Exception ex) { _logger.LogCritical(ex, \"fatal\"); _lifetime.StopApplication(); throw; } }")] // deliberate fail-fast
        [InlineData("try { while (true) { Poll(); } } catch (Exception ex) { _logger.LogCritical(ex, \"fatal\"); _lifetime.StopApplication(); }")] // fail-fast around the loop
        [InlineData("try { while (true) { Poll(); } } catch (Exception ex) { Environment.FailFast(\"loop died\", ex); }")]
        [InlineData("await foreach (var item in _queue.Reader.ReadAllAsync(stoppingToken)) { try { Poll(); } catch (Exception ex) { _logger.LogError(ex, \"item failed\"); } }")]
        public Task NotFlagged_WhenEachIterationIsCaught(string body) => VerifySF1002.AnalyzerAsync(Worker(body));

        [Theory]
        [InlineData("while (!stoppingToken.IsCancellationRequested) { await Task.Delay(1000, stoppingToken); _logger.LogInformation(\"tick\"); }")] // nothing that can fail
        [InlineData("await SendFollowUpsAsync(stoppingToken);")] // one-shot ExecuteAsync, no loop
        [InlineData("foreach (var x in new[] { 1, 2, 3 }) { Poll(); }")] // not a forever loop
        [InlineData("for (var i = 0; i < 10; i++) { Poll(); }")]
        [InlineData("while (_queue.Reader.TryRead(out var item)) { Poll(); }")] // drains and ends
        [InlineData("while (true) { var retry = () => { Poll(); }; break; }")] // the call is in a lambda that is never run here
        [InlineData("while (true) { try { Poll(); } catch (Exception ex) { _logger.LogError(ex, \"x\"); Poll(); } }")] // calls in the catch are the handler's
        [InlineData("while (await _queue.Reader.WaitToReadAsync(stoppingToken)) { while (_queue.Reader.TryRead(out var item)) { try { Poll(); } catch (Exception ex) { _logger.LogError(ex, \"x\"); } } }")] // the Try pattern does not throw
        [InlineData("while (!stoppingToken.IsCancellationRequested) { var services = (IServiceProvider)null!; var job = services.GetService(typeof(string)); try { Poll(); } catch (Exception ex) { _logger.LogError(ex, \"x\"); } }")] // resolving a service: a configuration mistake, not a transient failure
        [InlineData("while (!stoppingToken.IsCancellationRequested) { _ = RequeueLaterAsync(stoppingToken); try { Poll(); } catch (Exception ex) { _logger.LogError(ex, \"x\"); } }")] // an async call not awaited fails into its task, not the loop
        [InlineData("retry: try { while (true) { Poll(); } } catch (Exception ex) { _logger.LogWarning(ex, \"restarting\"); await Task.Delay(1000, stoppingToken); goto retry; }")] // a hand-written restart
        [InlineData("while (!stoppingToken.IsCancellationRequested) { try { while (true) { Poll(); } } catch (Exception ex) { _logger.LogError(ex, \"restarting\"); } }")] // the outer loop restarts the inner one
        public Task NotFlagged_NoFailureThatEndsALoop(string body) => VerifySF1002.AnalyzerAsync(Worker(body));

        [Theory]
        [InlineData("while (true) { Poll(); }")] // an ordinary method nobody starts in the background
        [InlineData("_ = Task.Run(() => Poll()); while (!token.IsCancellationRequested) { Poll(); }")] // the loop is not in the started lambda
        [InlineData("Action a = () => { while (true) { Poll(); } };")] // a lambda not started as background work
        public Task NotFlagged_OutsideBackgroundWork(string body) => VerifySF1002.AnalyzerAsync(Plain("        " + body));

        [Fact]
        public Task NotFlagged_LookAlikeBackgroundService() => VerifySF1002.AnalyzerAsync(Usings + """
            namespace Mine
            {
                abstract class BackgroundService { protected abstract Task ExecuteAsync(CancellationToken stoppingToken); }

                class Worker : BackgroundService
                {
                    private void Poll() { }

                    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                    {
                        while (!stoppingToken.IsCancellationRequested) { Poll(); await Task.Delay(10, stoppingToken); }
                    }
                }
            }
            """);

        [Fact]
        public Task NotFlagged_LookAlikeTaskRun() => VerifySF1002.AnalyzerAsync(Usings + """
            static class Task2 { public static void Run(Action a) => a(); }

            class Service
            {
                private void Poll() { }

                public void Start() => Task2.Run(() => { while (true) { Poll(); } });
            }
            """);

        // ---------------------------------------------------------------- fix

        [Fact]
        public Task Fix_ExecuteAsync_WrapsTheBodyAndKeepsCancellation() => VerifySF1002.CodeFixAsync(
            Worker("""
                    [|while|] (!stoppingToken.IsCancellationRequested)
                    {
                        await SendFollowUpsAsync(stoppingToken);
                        await Task.Delay(1000, stoppingToken);
                    }
            """),
            Worker("""
                    var loop = new BackgroundLoop("Worker.ExecuteAsync");
                    while (!stoppingToken.IsCancellationRequested)
                    {
                        try
                        {
                            await SendFollowUpsAsync(stoppingToken);
                            await Task.Delay(1000, stoppingToken);
                            loop.Succeeded();
                        }
                        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                        {
                            await loop.FailedAsync(ex, stoppingToken);
                        }
                    }
            """).Replace("using Microsoft.Extensions.Logging;\n", "using Microsoft.Extensions.Logging;\nusing Steadfast;\n"),
            KeepAliveKey);

        [Fact]
        public Task Fix_SynchronousLambda_UsesFailed_AndFreeNames() => VerifySF1002.CodeFixAsync(
            Plain("""
                    _ = Task.Run(() =>
                    {
                        var loop = 1;
                        [|while|] (true)
                        {
                            Poll();
                            var ex = loop;
                        }
                    });
            """),
            Plain("""
                    _ = Task.Run(() =>
                    {
                        var loop = 1;
                        var loop2 = new BackgroundLoop("Service.Start");
                        while (true)
                        {
                            try
                            {
                                Poll();
                                var ex = loop;
                                loop2.Succeeded();
                            }
                            catch (Exception ex2) when (!token.IsCancellationRequested)
                            {
                                loop2.Failed(ex2, token);
                            }
                        }
                    });
            """).Replace("using Microsoft.Extensions.Logging;\n", "using Microsoft.Extensions.Logging;\nusing Steadfast;\n"),
            KeepAliveKey);

        [Fact]
        public Task Fix_SucceededGoesBeforeATrailingJump() => VerifySF1002.CodeFixAsync(
            Worker("""
                    await foreach (var item in _queue.Reader.ReadAllAsync())
                    {
                        Poll();
                        continue;
                    }
            """).Replace("await foreach", "await [|foreach|]"),
            Worker("""
                    var loop = new BackgroundLoop("Worker.ExecuteAsync");
                    await foreach (var item in _queue.Reader.ReadAllAsync())
                    {
                        try
                        {
                            Poll();
                            loop.Succeeded();
                            continue;
                        }
                        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                        {
                            await loop.FailedAsync(ex, stoppingToken);
                        }
                    }
            """).Replace("using Microsoft.Extensions.Logging;\n", "using Microsoft.Extensions.Logging;\nusing Steadfast;\n"),
            KeepAliveKey);

        [Fact]
        public Task Fix_NoTokenInReach_CatchesEverything() => VerifySF1002.CodeFixAsync(
            Usings + """
            class Service
            {
                private void Poll() { }

                public void Start() => Task.Run(async () =>
                {
                    [|while|] (true)
                    {
                        Poll();
                        await Task.Delay(1000);
                    }
                });
            }
            """,
            Usings.Replace("using Microsoft.Extensions.Logging;\n", "using Microsoft.Extensions.Logging;\nusing Steadfast;\n") + """
            class Service
            {
                private void Poll() { }

                public void Start() => Task.Run(async () =>
                {
                    var loop = new BackgroundLoop("Service.Start");
                    while (true)
                    {
                        try
                        {
                            Poll();
                            await Task.Delay(1000);
                            loop.Succeeded();
                        }
                        catch (Exception ex)
                        {
                            await loop.FailedAsync(ex);
                        }
                    }
                });
            }
            """,
            KeepAliveKey);

        [Fact]
        public Task Fix_NotOffered_WhenTheLoopIsNotInABlock() => VerifySF1002.NoCodeFixAsync(
            Worker("""
                    if (stoppingToken.CanBeCanceled)
                        [|while|] (true) { Poll(); }
            """),
            KeepAliveKey);

        [Fact]
        public async Task Fix_NotOffered_WithoutTheRuntime()
        {
            var source = Worker("""
                    [|while|] (true) { Poll(); }
            """);
            await new SteadfastCodeFixTest<Steadfast.Analyzers.Rules.SF1002BackgroundLoopAnalyzer, Steadfast.CodeFixes.Rules.SF1002BackgroundLoopCodeFix>
            {
                TestCode = source,
                FixedCode = source,
                CodeActionEquivalenceKey = KeepAliveKey,
                ReferenceSteadfastRuntime = false,
            }.RunAsync();
        }
    }
}
