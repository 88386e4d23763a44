using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text.Json;
using K8sComm.Sandbox.Backends;
using K8sComm.Sandbox.Faults;
using Xunit;

namespace K8sComm.Sandbox.Tests;

/// <summary>Each fault mode, as a client meets it. Clients carry timeouts; no assertion is about speed.</summary>
public sealed class FaultTests
{
    static readonly TimeSpan Forever = TimeSpan.FromMinutes(10);
    static readonly TimeSpan DisposeGuard = TimeSpan.FromSeconds(20);

    static Task<EchoBackends> StartAsync(FaultPlan plan) => EchoBackends.StartAsync(new EchoBackendOptions { Faults = plan });

    [Fact]
    public async Task None_answers_normally()
    {
        await using var backends = await StartAsync(FaultPlan.None);
        using var http = TlsClient.Http();

        using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri(backends.HttpUri, "/x")));

        Assert.Equal("/x", doc.RootElement.GetProperty("path").GetString());
    }

    [Fact]
    public async Task Latency_delays_the_answer_past_a_short_client_timeout_but_the_answer_is_normal()
    {
        await using var backends = await StartAsync(new FaultPlan(FaultMode.Latency, Forever));
        using var impatient = TlsClient.Http(timeout: TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAsync<TaskCanceledException>(() => impatient.GetAsync(backends.HttpUri));

        await using var shortDelay = await StartAsync(new FaultPlan(FaultMode.Latency, TimeSpan.FromMilliseconds(50)));
        using var http = TlsClient.Http();
        using var response = await http.GetAsync(shortDelay.HttpsUri);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ServerError_answers_500_with_a_status_body()
    {
        await using var backends = await StartAsync(new FaultPlan(FaultMode.ServerError));
        using var http = TlsClient.Http();

        using var response = await http.GetAsync(backends.HttpsUri);
        using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("Status", status.RootElement.GetProperty("kind").GetString());
        Assert.Equal("Failure", status.RootElement.GetProperty("status").GetString());
        Assert.Equal("InternalError", status.RootElement.GetProperty("reason").GetString());
        Assert.Equal(500, status.RootElement.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task ConnectionReset_drops_the_connection_without_a_response()
    {
        await using var backends = await StartAsync(new FaultPlan(FaultMode.ConnectionReset));
        using var http = TlsClient.Http();

        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(backends.HttpUri));
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(backends.HttpsUri));
    }

    [Fact]
    public async Task GarbageBody_answers_200_with_bytes_that_are_not_json()
    {
        await using var backends = await StartAsync(new FaultPlan(FaultMode.GarbageBody));
        using var http = TlsClient.Http();

        using var response = await http.GetAsync(backends.HttpUri);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotEmpty(body);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(body));
    }

    [Theory]
    [InlineData("http")]
    [InlineData("https")]
    public async Task TruncatedBody_promises_more_than_it_sends_then_drops_the_connection(string scheme)
    {
        await using var backends = await StartAsync(new FaultPlan(FaultMode.TruncatedBody));
        using var http = TlsClient.Http();
        var uri = scheme == "https" ? backends.HttpsUri : backends.HttpUri;

        using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead);
        var promised = response.Content.Headers.ContentLength;
        await using var body = await response.Content.ReadAsStreamAsync();
        var received = new MemoryStream();
        await Assert.ThrowsAnyAsync<IOException>(() => body.CopyToAsync(received));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(promised);
        Assert.InRange(received.Length, 1, promised.Value - 1);
    }

    [Fact]
    public async Task OversizedBody_streams_64_mib()
    {
        await using var backends = await StartAsync(new FaultPlan(FaultMode.OversizedBody));
        using var http = TlsClient.Http();

        using var response = await http.GetAsync(backends.HttpUri, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[256 * 1024];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0) total += read;

        Assert.Equal(FaultPlan.OversizedBodyBytes, response.Content.Headers.ContentLength);
        Assert.Equal(FaultPlan.OversizedBodyBytes, total);
    }

    [Fact]
    public async Task OversizedBody_overflows_a_client_buffer_limit()
    {
        await using var backends = await StartAsync(new FaultPlan(FaultMode.OversizedBody));
        using var http = TlsClient.Http();
        http.MaxResponseContentBufferSize = 1024 * 1024;

        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(backends.HttpsUri));
    }

    [Fact]
    public async Task SlowTrickle_sends_the_normal_answer_a_few_bytes_at_a_time()
    {
        await using var normal = await StartAsync(FaultPlan.None);
        await using var trickle = await StartAsync(new FaultPlan(FaultMode.SlowTrickle, TimeSpan.FromMilliseconds(1)));
        using var http = TlsClient.Http();

        using var expected = JsonDocument.Parse(await http.GetStringAsync(new Uri(normal.HttpUri, "/trickle?a=1")));
        using var response = await http.GetAsync(new Uri(trickle.HttpUri, "/trickle?a=1"), HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var reads = 0;
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            received.Write(buffer, 0, read);
            reads++;
        }
        using var actual = JsonDocument.Parse(received.ToArray());

        Assert.Equal(expected.RootElement.GetProperty("path").GetString(), actual.RootElement.GetProperty("path").GetString());
        Assert.Equal(expected.RootElement.GetProperty("query").GetString(), actual.RootElement.GetProperty("query").GetString());
        Assert.True(reads > 1, "the body should arrive in pieces");
    }

    [Fact]
    public async Task SlowTrickle_answers_headers_and_first_bytes_but_not_the_body_within_a_short_deadline()
    {
        await using var backends = await StartAsync(new FaultPlan(FaultMode.SlowTrickle, TimeSpan.FromSeconds(30)));
        using var http = TlsClient.Http();

        using var response = await http.GetAsync(backends.HttpUri, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var first = new byte[64];
        var firstRead = await body.ReadAsync(first);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.InRange(firstRead, 1, FaultPlan.TrickleChunkBytes);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => body.CopyToAsync(Stream.Null, deadline.Token));
    }

    [Fact]
    public async Task StalledHandshake_accepts_tcp_but_never_answers_the_client_hello()
    {
        await using var backends = await StartAsync(new FaultPlan(FaultMode.StalledHandshake));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, backends.HttpsPort);
        await using var ssl = new SslStream(tcp.GetStream());
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ssl.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions { TargetHost = "echo-backend", RemoteCertificateValidationCallback = (_, _, _, _) => true },
            deadline.Token));
    }

    [Fact]
    public async Task PathPrefix_limits_the_fault_to_matching_paths()
    {
        await using var backends = await StartAsync(new FaultPlan(FaultMode.ServerError, PathPrefix: "/api/"));
        using var http = TlsClient.Http();

        using var matching = await http.GetAsync(new Uri(backends.HttpUri, "/api/v1/pods"));
        using var other = await http.GetAsync(new Uri(backends.HttpUri, "/healthz"));

        Assert.Equal(HttpStatusCode.InternalServerError, matching.StatusCode);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Theory]
    [InlineData(FaultMode.Latency)]
    [InlineData(FaultMode.SlowTrickle)]
    [InlineData(FaultMode.OversizedBody)]
    [InlineData(FaultMode.StalledHandshake)]
    public async Task Disposing_the_server_ends_a_fault_in_progress(FaultMode mode)
    {
        var backends = await StartAsync(new FaultPlan(mode, Forever));
        var port = mode == FaultMode.StalledHandshake ? backends.HttpsPort : backends.HttpPort;
        using var http = TlsClient.Http(timeout: Forever);
        var request = mode == FaultMode.StalledHandshake
            ? StalledHandshakeAsync(port)
            : http.GetAsync(new Uri($"http://127.0.0.1:{port}/"), HttpCompletionOption.ResponseHeadersRead)
                .ContinueWith(async t => { using var r = await t; await (await r.Content.ReadAsStreamAsync()).CopyToAsync(SlowSink.Instance); }).Unwrap();
        await Task.Delay(100); // let the request reach the fault; the assertions below don't depend on it

        await backends.DisposeAsync().AsTask().WaitAsync(DisposeGuard);

        // The client is released with an error from the closed connection, not left waiting.
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => request.WaitAsync(DisposeGuard));
        Assert.False(ex is TimeoutException or OperationCanceledException, ex.ToString());
    }

    static async Task StalledHandshakeAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        { TargetHost = "echo-backend", RemoteCertificateValidationCallback = (_, _, _, _) => true });
    }

    /// <summary>A sink slow enough that a 64 MiB body is still streaming when the server is disposed.</summary>
    sealed class SlowSink : Stream
    {
        public static readonly SlowSink Instance = new();
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            await Task.Delay(20, cancellationToken);
        public override void Write(byte[] buffer, int offset, int count) => Thread.Sleep(20);
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => 0;
        public override long Position { get => 0; set { } }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
