using System.Collections.Concurrent;

namespace K8sComm.Sandbox.ApiServer;

/// <summary>One request as the API server saw it (no headers: they could hold a token).</summary>
public sealed record LoggedRequest(string Method, string PathAndQuery, string? User);

/// <summary>Every request that reached the API server, in order, so a test can assert what was (not) sent.</summary>
public sealed class RequestLog
{
    private readonly ConcurrentQueue<LoggedRequest> _entries = new();

    public int Count => _entries.Count;
    public IReadOnlyList<LoggedRequest> Entries => _entries.ToArray();

    internal void Add(LoggedRequest request) => _entries.Enqueue(request);

    public void Clear() => _entries.Clear();
}
