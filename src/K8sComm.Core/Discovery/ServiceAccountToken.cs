using System.Text;
using System.Text.Json;

namespace K8sComm.Core.Discovery;

/// <summary>What kind of service-account token a pod holds.</summary>
public enum ServiceAccountTokenKind
{
    /// <summary>A projected token from the TokenRequest API, bound to the pod: it expires and the kubelet rotates it.</summary>
    Projected,
    /// <summary>From the TokenRequest API but bound to no pod (e.g. kubectl create token): it expires, nothing rotates it.</summary>
    Requested,
    /// <summary>A legacy token from a service-account-token Secret: it never expires.</summary>
    LegacySecret,
    /// <summary>Not a JWT this reader understands.</summary>
    Unknown,
}

/// <summary>
/// The claims of a service-account token, read without checking the signature: what the token says
/// about itself, for a person to look at. Only the API server can say whether it is valid. Holds no
/// part of the token itself.
/// </summary>
public sealed record ServiceAccountToken
{
    private const string LegacyIssuer = "kubernetes/serviceaccount";
    private const string LegacyPrefix = "kubernetes.io/serviceaccount/";

    public ServiceAccountTokenKind Kind { get; init; } = ServiceAccountTokenKind.Unknown;
    public string? Subject { get; init; }
    public string? Issuer { get; init; }
    public IReadOnlyList<string> Audiences { get; init; } = [];
    public DateTimeOffset? IssuedAt { get; init; }
    public DateTimeOffset? NotBefore { get; init; }
    public DateTimeOffset? Expires { get; init; }
    public string? Namespace { get; init; }
    public string? ServiceAccountName { get; init; }
    public string? ServiceAccountUid { get; init; }
    public string? PodName { get; init; }
    public string? PodUid { get; init; }
    public string? NodeName { get; init; }
    public string? NodeUid { get; init; }
    /// <summary>The Secret a legacy token came from.</summary>
    public string? SecretName { get; init; }

    /// <summary>Bound tokens carry a pod; the API server rejects them once the pod is gone.</summary>
    public bool IsBoundToPod => PodName is not null;

    /// <summary>Reads a token's claims. Anything that is not a three-part JWT with a JSON payload gives
    /// <see cref="ServiceAccountTokenKind.Unknown"/> and no claims; this never throws and never keeps the token.</summary>
    public static ServiceAccountToken Read(string? jwt)
    {
        var parts = jwt?.Trim().Split('.');
        if (parts is not { Length: 3 })
            return new ServiceAccountToken();
        try
        {
            using var document = JsonDocument.Parse(FromBase64Url(parts[1]));
            return document.RootElement.ValueKind == JsonValueKind.Object ? FromClaims(document.RootElement) : new ServiceAccountToken();
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return new ServiceAccountToken();
        }
    }

    private static ServiceAccountToken FromClaims(JsonElement claims)
    {
        var kubernetes = Property(claims, "kubernetes.io");
        var serviceAccount = Property(kubernetes, "serviceaccount");
        var pod = Property(kubernetes, "pod");
        var node = Property(kubernetes, "node");
        var issuer = Text(claims, "iss");
        var token = new ServiceAccountToken
        {
            Subject = Text(claims, "sub"),
            Issuer = issuer,
            Audiences = Audience(claims),
            IssuedAt = Time(claims, "iat"),
            NotBefore = Time(claims, "nbf"),
            Expires = Time(claims, "exp"),
            Namespace = Text(kubernetes, "namespace") ?? Text(claims, LegacyPrefix + "namespace"),
            ServiceAccountName = Text(serviceAccount, "name") ?? Text(claims, LegacyPrefix + "service-account.name"),
            ServiceAccountUid = Text(serviceAccount, "uid") ?? Text(claims, LegacyPrefix + "service-account.uid"),
            PodName = Text(pod, "name"),
            PodUid = Text(pod, "uid"),
            NodeName = Text(node, "name"),
            NodeUid = Text(node, "uid"),
            SecretName = Text(claims, LegacyPrefix + "secret.name") ?? Text(Property(kubernetes, "secret"), "name"),
        };
        if (token is { Namespace: null, Subject: { } subject } && subject.Split(':') is ["system", "serviceaccount", var ns, var name])
            token = token with { Namespace = ns, ServiceAccountName = name };

        var kind = token switch
        {
            { Expires: not null, IsBoundToPod: true } => ServiceAccountTokenKind.Projected,
            { Expires: null } when issuer == LegacyIssuer || token.SecretName is not null => ServiceAccountTokenKind.LegacySecret,
            { Expires: not null, ServiceAccountName: not null } => ServiceAccountTokenKind.Requested,
            _ => ServiceAccountTokenKind.Unknown,
        };
        return token with { Kind = kind };
    }

    private static JsonElement Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    private static string? Text(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static DateTimeOffset? Time(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var seconds)
            && seconds is > 0 and < 253402300800
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private static IReadOnlyList<string> Audience(JsonElement claims) => Property(claims, "aud") switch
    {
        { ValueKind: JsonValueKind.String } one => [one.GetString()!],
        { ValueKind: JsonValueKind.Array } many => many.EnumerateArray()
            .Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!).ToList(),
        _ => [],
    };

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += (padded.Length % 4) switch { 2 => "==", 3 => "=", 0 => "", _ => throw new FormatException("Bad base64url length.") };
        return Convert.FromBase64String(padded);
    }
}
