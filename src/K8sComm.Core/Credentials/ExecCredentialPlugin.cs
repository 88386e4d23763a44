using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using K8sComm.Core.Discovery;

namespace K8sComm.Core.Credentials;

/// <summary>What a plugin handed back: a token, or a client certificate with its key. Secret: its
/// <see cref="ToString"/> shows nothing of it.</summary>
internal sealed class ExecCredential
{
    public string? Token { get; init; }
    public X509Certificate2? ClientCertificate { get; init; }
    public DateTimeOffset? Expiry { get; init; }

    public override string ToString() => "ExecCredential (redacted)";
}

/// <summary>The cluster facts a plugin with provideClusterInfo receives.</summary>
internal sealed record ExecClusterInfo(Uri Server, string? TlsServerName, bool InsecureSkipTlsVerify, byte[]? CertificateAuthorityData, Uri? ProxyUrl);

/// <summary>
/// Runs a kubeconfig's exec credential plugin (aws eks get-token, kubelogin, gke-gcloud-auth-plugin)
/// as kubectl does: client.authentication.k8s.io v1 or v1beta1, the plugin's own env on top of ours,
/// KUBERNETES_EXEC_INFO on stdin's behalf, never interactive. The credential is cached for the
/// process until it expires (or until a server rejects it), and concurrent callers share one run.
/// </summary>
internal sealed class ExecCredentialPlugin
{
    private const string V1 = "client.authentication.k8s.io/v1";
    private const string V1Beta1 = "client.authentication.k8s.io/v1beta1";
    private const int MaxOutputBytes = 1024 * 1024;
    // Renew a little before the plugin's own expiry, so a request never carries a token about to lapse.
    private static readonly TimeSpan ExpirySkew = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    // Process-wide, like client-go's cache: the same plugin with the same settings runs once.
    private static readonly ConcurrentDictionary<string, Lazy<Task<ExecCredential>>> Cache = new(StringComparer.Ordinal);

    private readonly KubeconfigExec _exec;
    private readonly ExecClusterInfo _cluster;
    private readonly string _user;
    private readonly string _key;
    private readonly TimeProvider _clock;

    public ExecCredentialPlugin(KubeconfigExec exec, ExecClusterInfo cluster, string user, TimeProvider? clock = null)
    {
        _exec = exec;
        _cluster = cluster;
        _user = user;
        _clock = clock ?? TimeProvider.System;
        _key = CacheKey(exec, cluster);
    }

    /// <summary>What makes two plugins the same one (its settings and cluster); may hold secrets, so it
    /// is only ever compared or hashed, never shown.</summary>
    internal string Identity => _key;

    /// <summary>The command as the user would recognise it (no args: they may carry secrets).</summary>
    public string Command => _exec.Command;

    /// <exception cref="K8sCommException">ExecPluginNotFound, ExecPluginFailed or Timeout.</exception>
    public async Task<ExecCredential> GetAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var ran = false;
            var entry = Cache.GetOrAdd(_key, _ =>
            {
                ran = true;
                return new Lazy<Task<ExecCredential>>(() => RunAsync(CancellationToken.None));
            });
            ExecCredential credential;
            try
            {
                credential = await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (K8sCommException)
            {
                Cache.TryRemove(KeyValuePair.Create(_key, entry));
                throw;
            }

            // A cached credential past its expiry is run for afresh; a fresh one is used as it is, even
            // if the plugin says it has already expired (as client-go does).
            if (ran || credential.Expiry is not { } expiry || expiry - ExpirySkew > _clock.GetUtcNow())
                return credential;
            Cache.TryRemove(KeyValuePair.Create(_key, entry));
        }
    }

    /// <summary>Forgets a credential the server rejected (401), so the next request runs the plugin again.</summary>
    public void Invalidate(ExecCredential rejected)
    {
        if (Cache.TryGetValue(_key, out var entry) && entry.IsValueCreated && entry.Value.IsCompletedSuccessfully
            && ReferenceEquals(entry.Value.Result, rejected))
        {
            Cache.TryRemove(KeyValuePair.Create(_key, entry));
        }
    }

    public override string ToString() => $"ExecCredentialPlugin {Command} (redacted)";

    private async Task<ExecCredential> RunAsync(CancellationToken cancellationToken)
    {
        var apiVersion = _exec.ApiVersion ?? "";
        if (apiVersion is not (V1 or V1Beta1))
            throw Failed($"asks for apiVersion '{apiVersion}'; only {V1} and {V1Beta1} are supported");
        if (apiVersion == V1 && _exec.InteractiveMode is null)
            throw Failed($"sets no interactiveMode, which {V1} requires");
        if (_exec.InteractiveMode == "Always")
            throw Failed("needs an interactive terminal (interactiveMode: Always); K8sComm runs plugins without one");

        var start = new ProcessStartInfo(_exec.Command)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in _exec.Args) start.ArgumentList.Add(argument);
        foreach (var (name, value) in _exec.Env) start.Environment[name] = value;
        start.Environment["KUBERNETES_EXEC_INFO"] = ExecInfo(apiVersion);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RunTimeout);
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            var hint = _exec.InstallHint ?? "";
            throw new K8sCommException(FailureReason.ExecPluginNotFound,
                $"The credential plugin '{Command}' of user '{_user}' could not be started: {e.Message}. {hint}".TrimEnd(),
                Command, [Command, _user, hint], e);
        }

        process.StandardInput.Close(); // not interactive: the plugin must not wait for a person
        var stdout = ReadBoundedAsync(process.StandardOutput.BaseStream, timeout.Token);
        var stderr = process.StandardError.BaseStream.CopyToAsync(Stream.Null, timeout.Token); // may hold secrets: never shown
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            var output = await stdout.ConfigureAwait(false);
            await stderr.ConfigureAwait(false);
            if (process.ExitCode != 0)
                throw Failed($"exited with code {process.ExitCode} (run it yourself to see what it says)");
            return Parse(output, apiVersion);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested) throw;
            throw new K8sCommException(FailureReason.Timeout,
                $"The credential plugin '{Command}' did not finish within {RunTimeout.TotalSeconds:0} s.", Command);
        }
    }

    private ExecCredential Parse(byte[] output, string apiVersion)
    {
        JsonNode? document;
        try
        {
            document = JsonNode.Parse(output);
        }
        catch (JsonException)
        {
            throw Failed("wrote something that is not JSON");
        }

        if (document?["kind"]?.GetValue<string>() != "ExecCredential")
            throw Failed("wrote JSON that is not an ExecCredential");
        if (document["apiVersion"]?.GetValue<string>() != apiVersion)
            throw Failed($"answered with another apiVersion than the {apiVersion} it was asked for");

        var status = document["status"] ?? throw Failed("wrote an ExecCredential without status");
        var token = status["token"]?.GetValue<string>();
        var certificate = status["clientCertificateData"]?.GetValue<string>();
        var key = status["clientKeyData"]?.GetValue<string>();
        DateTimeOffset? expiry = status["expirationTimestamp"]?.GetValue<string>() is { } stamp
            && DateTimeOffset.TryParse(stamp, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;

        if ((certificate is null) != (key is null))
            throw Failed("gave a client certificate without its key, or a key without its certificate");
        if (string.IsNullOrEmpty(token) && certificate is null)
            throw Failed("gave neither a token nor a client certificate");

        return new ExecCredential
        {
            Token = string.IsNullOrEmpty(token) ? null : token,
            ClientCertificate = certificate is null ? null
                : CertificateMaterial.CombineWithKey(Encoding.ASCII.GetBytes(certificate), Encoding.ASCII.GetBytes(key!), $"users[{_user}].exec status.clientKeyData"),
            Expiry = expiry,
        };
    }

    private string ExecInfo(string apiVersion)
    {
        var spec = new JsonObject { ["interactive"] = false };
        if (_exec.ProvideClusterInfo)
        {
            var cluster = new JsonObject { ["server"] = _cluster.Server.OriginalString };
            if (_cluster.TlsServerName is { } name) cluster["tls-server-name"] = name;
            if (_cluster.InsecureSkipTlsVerify) cluster["insecure-skip-tls-verify"] = true;
            if (_cluster.CertificateAuthorityData is { } ca) cluster["certificate-authority-data"] = Convert.ToBase64String(ca);
            if (_cluster.ProxyUrl is { } proxy) cluster["proxy-url"] = proxy.OriginalString;
            spec["cluster"] = cluster;
        }
        return new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = "ExecCredential", ["spec"] = spec }.ToJsonString();
    }

    private async Task<byte[]> ReadBoundedAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxOutputBytes)
                throw Failed("wrote more than 1 MiB");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private K8sCommException Failed(string problem) => new(FailureReason.ExecPluginFailed,
        $"The credential plugin '{Command}' of user '{_user}' {problem}.", Command, [Command, _user, problem]);

    // Everything that changes what the plugin answers; hashed, since args and env may hold secrets.
    private static string CacheKey(KubeconfigExec exec, ExecClusterInfo cluster)
    {
        var text = new StringBuilder().Append(exec.Command).Append('\0').Append(exec.ApiVersion).Append('\0')
            .AppendJoin('\0', exec.Args).Append('\0')
            .AppendJoin('\0', exec.Env.Select(e => e.Key + "=" + e.Value)).Append('\0');
        if (exec.ProvideClusterInfo)
            text.Append(cluster.Server).Append('\0').Append(cluster.TlsServerName).Append('\0')
                .Append(cluster.CertificateAuthorityData is null ? "" : Convert.ToBase64String(cluster.CertificateAuthorityData));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
