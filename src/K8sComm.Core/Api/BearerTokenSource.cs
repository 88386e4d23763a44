using K8sComm.Core.IO;
using K8sComm.Core.Discovery;

namespace K8sComm.Core.Api;

/// <summary>
/// Where a client's bearer token comes from: an inline token, or a token file the kubelet rotates.
/// A file is read as client-go's cached file token source reads it: the read is kept for at most a
/// minute (less client-go's 10 s leeway), and read again sooner when the file changes (size or write
/// time) or when the server said 401 to a token read before the request started. A failed re-read keeps
/// the last good token, as client-go does; only a first read that fails is an error.
/// Thread-safe. Never prints the token.
/// </summary>
internal sealed class BearerTokenSource
{
    /// <summary>client-go's period: half the gap between the kubelet's refresh (at 80% of a 10-minute
    /// token's life) and the token's expiry.</summary>
    internal static readonly TimeSpan Period = TimeSpan.FromMinutes(1);
    internal static readonly TimeSpan Leeway = TimeSpan.FromSeconds(10);

    private readonly string? _inline;
    private readonly string? _file;
    private readonly TimeProvider _clock;
    private readonly object _gate = new();
    private Cached? _cached;

    private BearerTokenSource(string? inline, string? file, TimeProvider clock) =>
        (_inline, _file, _clock) = (inline, file, clock);

    /// <summary>The token file wins over an inline token, as in client-go; null when there is neither.</summary>
    public static BearerTokenSource? For(EndpointCredentials credentials, TimeProvider clock)
    {
        if (credentials.BearerTokenFile is { } file)
            return new BearerTokenSource(string.IsNullOrEmpty(credentials.BearerToken) ? null : credentials.BearerToken, file, clock);
        return string.IsNullOrEmpty(credentials.BearerToken) ? null : new BearerTokenSource(credentials.BearerToken, null, clock);
    }

    /// <summary>True when the token can change while the client lives (it comes from a file).</summary>
    public bool Rotates => _file is not null;

    /// <summary>How many times the file has been read (for tests and benchmarks: the cache works).</summary>
    public int FileReads { get; private set; }

    /// <summary>The token to send now.</summary>
    /// <exception cref="K8sCommException">TokenFileUnreadable when the file can't be read and no earlier read succeeded.</exception>
    public async ValueTask<TokenLease> GetAsync(CancellationToken cancellationToken)
    {
        if (_file is null)
            return new TokenLease(_inline!, _clock.GetUtcNow());

        var now = _clock.GetUtcNow();
        var stamp = FileStamp.Of(_file);
        var cached = Volatile.Read(ref _cached);
        if (cached is not null && cached.Stamp == stamp && now < cached.ReadAt + Period - Leeway)
            return new TokenLease(cached.Token, cached.ReadAt);

        string token;
        try
        {
            token = (await LocalFile.ReadAllTextAsync(_file, LocalFileKind.Token, cancellationToken).ConfigureAwait(false)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (cached is not null)
                return new TokenLease(cached.Token, cached.ReadAt);
            if (_inline is not null)
                return new TokenLease(_inline, now);
            throw new K8sCommException(FailureReason.TokenFileUnreadable,
                $"The token file '{_file}' can't be read: {e.Message}", _file, [_file], e);
        }

        if (token.Length == 0)
        {
            if (cached is not null)
                return new TokenLease(cached.Token, cached.ReadAt);
            if (_inline is not null)
                return new TokenLease(_inline, now);
            throw new K8sCommException(FailureReason.TokenFileUnreadable, $"The token file '{_file}' is empty.", _file, [_file]);
        }

        lock (_gate)
        {
            FileReads++;
            _cached = new Cached(token, now, stamp);
        }
        return new TokenLease(token, now);
    }

    /// <summary>The server refused this token: forget it, so the next request reads the file again
    /// (client-go's ResetTokenOlderThan). A token read since by another request is kept.</summary>
    public void Reset(TokenLease refused)
    {
        lock (_gate)
        {
            if (_cached is not null && _cached.ReadAt <= refused.ReadAt)
                _cached = null;
        }
    }

    private sealed record Cached(string Token, DateTimeOffset ReadAt, FileStamp Stamp)
    {
        public override string ToString() => $"token read at {ReadAt:O} (redacted)";
    }

    /// <summary>Size and write time: a rotation (the kubelet swaps a symlink) changes one or the other.</summary>
    private readonly record struct FileStamp(long Length, DateTime WrittenUtc)
    {
        public static FileStamp Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new FileStamp(info.Length, info.LastWriteTimeUtc) : default;
        }
    }
}

/// <summary>A token and when it was read; <see cref="ToString"/> never shows the token.</summary>
internal readonly record struct TokenLease(string Token, DateTimeOffset ReadAt)
{
    public override string ToString() => $"bearer token read at {ReadAt:O} (redacted)";
}
