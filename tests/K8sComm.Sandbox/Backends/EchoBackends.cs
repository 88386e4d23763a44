using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using K8sComm.Sandbox.Faults;
using K8sComm.Sandbox.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace K8sComm.Sandbox.Backends;

/// <summary>How to start the echo backends.</summary>
public sealed record EchoBackendOptions
{
    /// <summary>
    /// CA (with private key) that signs the HTTPS backend's certificate; null makes it self-signed.
    /// Either way the API server's proxy does not verify it, as in a real cluster.
    /// </summary>
    public X509Certificate2? Issuer { get; init; }

    /// <summary>Fault applied to both backends (null: none).</summary>
    public FaultPlan? Faults { get; init; }
}

/// <summary>
/// The workloads behind the API server's service and pod proxy: one plain-HTTP and one HTTPS server on
/// 127.0.0.1 that answer every request with a small JSON echo of what reached them.
/// </summary>
public sealed class EchoBackends : IAsyncDisposable
{
    /// <summary>Request headers copied into the echo (plus every header starting with X-Echo-).</summary>
    public static readonly IReadOnlyList<string> EchoedHeaders =
        ["Host", "User-Agent", "Accept", "Content-Type", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Uri", "X-Forwarded-Prefix"];

    readonly WebApplication _app;

    EchoBackends(WebApplication app, int httpPort, int httpsPort, X509Certificate2 certificate)
    {
        _app = app;
        HttpPort = httpPort;
        HttpsPort = httpsPort;
        HttpsCertificate = certificate;
    }

    /// <summary>Port of the plain-HTTP echo server on 127.0.0.1.</summary>
    public int HttpPort { get; }

    /// <summary>Port of the HTTPS echo server on 127.0.0.1.</summary>
    public int HttpsPort { get; }

    /// <summary>The HTTPS backend's serving certificate (public part only).</summary>
    public X509Certificate2 HttpsCertificate { get; }

    /// <summary>The HTTPS backend's serving certificate as PEM.</summary>
    public string HttpsCertificatePem => Certificates.ToPem(HttpsCertificate);

    /// <summary>http://127.0.0.1:HttpPort/</summary>
    public Uri HttpUri => new($"http://127.0.0.1:{HttpPort}/");

    /// <summary>https://127.0.0.1:HttpsPort/</summary>
    public Uri HttpsUri => new($"https://127.0.0.1:{HttpsPort}/");

    /// <summary>Starts both servers on ports the OS picks.</summary>
    public static async Task<EchoBackends> StartAsync(EchoBackendOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EchoBackendOptions();
        var certificate = CreateCertificate(options.Issuer);
        ListenOptions? http = null, https = null;
        var app = LoopbackHost.Build(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => { http = listen; listen.UseFaults(() => options.Faults); });
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                https = listen;
                listen.UseFaults(() => options.Faults);
                listen.UseHttps(certificate);
            });
        });
        app.UseFaults(_ => options.Faults);
        app.Run(context => EchoAsync(context, context.Request.IsHttps ? "https" : "http"));
        await LoopbackHost.StartAsync(app, cancellationToken);
        return new EchoBackends(app, LoopbackHost.BoundPort(http!), LoopbackHost.BoundPort(https!), Certificates.PublicOnly(certificate));
    }

    /// <summary>Stops both servers and frees their ports.</summary>
    public ValueTask DisposeAsync() => LoopbackHost.StopAsync(_app);

    static async Task EchoAsync(HttpContext context, string backend)
    {
        var request = context.Request;
        long bodyBytes = 0;
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            bodyBytes += read;

        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in request.Headers)
        {
            if (EchoedHeaders.Contains(name, StringComparer.OrdinalIgnoreCase) || name.StartsWith("X-Echo-", StringComparison.OrdinalIgnoreCase))
                headers[name.ToLowerInvariant()] = value.ToString();
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["backend"] = backend,
            ["method"] = request.Method,
            ["path"] = request.Path.Value ?? "/",
            ["rawPath"] = RawTarget(context), // path and query as sent, before any decoding (the request target)
            ["query"] = request.QueryString.Value ?? "",
            ["headers"] = headers,
            // Whether credentials reached the workload, never the credentials themselves.
            ["authorization"] = request.Headers.Authorization.Count > 0 ? "present" : "absent",
            ["bodyBytes"] = bodyBytes,
        }), context.RequestAborted);
    }

    static string RawTarget(HttpContext context) =>
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";

    static X509Certificate2 CreateCertificate(X509Certificate2? issuer)
    {
        var now = DateTimeOffset.UtcNow;
        var leaf = new LeafRequest("CN=echo-backend", ECDsa.Create(ECCurve.NamedCurves.nistP256),
            ["echo-backend", "localhost"], [IPAddress.Loopback], now.AddHours(-1), now.AddDays(30));
        return issuer is null ? Certificates.SelfSignLeaf(leaf) : Certificates.IssueLeaf(leaf, issuer);
    }
}
