using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using Microsoft.Extensions.Logging;

namespace Steadfast.Tests.Support
{
    /// <summary>Records log entries; also a provider, for hosts.</summary>
    public sealed class ListLogger : ILogger, ILoggerProvider
    {
        public ConcurrentQueue<(LogLevel Level, string Category, string Message, Exception? Exception)> Entries { get; } = new();

        private readonly string _category;

        public ListLogger(string category = "test") => _category = category;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue((logLevel, _category, formatter(state, exception), exception));

        public ILogger CreateLogger(string categoryName) => new Forwarder(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Forwarder : ILogger
        {
            private readonly ListLogger _target;
            private readonly string _category;

            public Forwarder(ListLogger target, string category)
            {
                _target = target;
                _category = category;
            }

            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                _target.Entries.Enqueue((logLevel, _category, formatter(state, exception), exception));
        }
    }
}
