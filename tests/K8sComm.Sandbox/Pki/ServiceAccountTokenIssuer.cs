using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace K8sComm.Sandbox.Pki;

/// <summary>Who a valid service-account token speaks for.</summary>
public sealed record ServiceAccountIdentity(string Namespace, string Name, string Uid, string TokenId)
{
    public string UserName => $"system:serviceaccount:{Namespace}:{Name}";
}

/// <summary>
/// Signs and checks service-account JWTs the way the API server's token controller shapes them
/// (ES256 or RS256, iss/sub/aud/exp/iat/nbf/jti and the kubernetes.io claim). Tokens can be revoked,
/// which a real cluster does by deleting the secret or the bound object.
/// </summary>
public sealed class ServiceAccountTokenIssuer : IDisposable
{
    public const string Issuer = "https://kubernetes.default.svc.cluster.local";
    public const string Audience = "https://kubernetes.default.svc.cluster.local";

    private readonly ECDsa? _ecdsa;
    private readonly RSA? _rsa;
    private readonly ConcurrentDictionary<string, bool> _revoked = new();

    public ServiceAccountTokenIssuer(KeyKind key)
    {
        if (key == KeyKind.EcdsaP256) _ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        else _rsa = RSA.Create(2048);
        KeyId = Base64Url(SHA256.HashData(_ecdsa?.ExportSubjectPublicKeyInfo() ?? _rsa!.ExportSubjectPublicKeyInfo()));
    }

    public string Algorithm => _ecdsa is not null ? "ES256" : "RS256";
    public string KeyId { get; }

    /// <summary>The public half, as --service-account-key-file would hold it.</summary>
    public string PublicKeyPem => _ecdsa?.ExportSubjectPublicKeyInfoPem() ?? _rsa!.ExportSubjectPublicKeyInfoPem();

    /// <param name="boundPod">For a projected token: the pod (and its node) the token is bound to, as the
    /// kubelet's TokenRequest binds it; such tokens carry kubernetes.io.pod and .node claims.</param>
    public string Issue(string ns, string name, TimeSpan? lifetime = null, (string Pod, string Node)? boundPod = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(ns);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var now = DateTimeOffset.UtcNow;
        var header = new JsonObject { ["alg"] = Algorithm, ["kid"] = KeyId, ["typ"] = "JWT" };
        var claims = new JsonObject
        {
            ["aud"] = new JsonArray(Audience),
            ["exp"] = now.Add(lifetime ?? TimeSpan.FromHours(1)).ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.AddSeconds(-1).ToUnixTimeSeconds(),
            ["iss"] = Issuer,
            ["jti"] = Guid.NewGuid().ToString(),
            ["sub"] = $"system:serviceaccount:{ns}:{name}",
            ["kubernetes.io"] = new JsonObject
            {
                ["namespace"] = ns,
                ["serviceaccount"] = new JsonObject { ["name"] = name, ["uid"] = StableUid(ns, name) },
            },
        };
        if (boundPod is { } bound)
        {
            var binding = claims["kubernetes.io"]!.AsObject();
            binding["pod"] = new JsonObject { ["name"] = bound.Pod, ["uid"] = StableUid(ns, "pod/" + bound.Pod) };
            binding["node"] = new JsonObject { ["name"] = bound.Node, ["uid"] = StableUid("", "node/" + bound.Node) };
            binding["warnafter"] = now.Add((lifetime ?? TimeSpan.FromHours(1)) * 0.8).ToUnixTimeSeconds();
        }
        var signingInput = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." +
                           Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        return signingInput + "." + Base64Url(Sign(Encoding.ASCII.GetBytes(signingInput)));
    }

    /// <summary>Makes a token unusable from now on. Tokens that don't parse are remembered verbatim.</summary>
    public void Revoke(string jwt)
    {
        ArgumentNullException.ThrowIfNull(jwt);
        _revoked[ReadTokenId(jwt) ?? jwt] = true;
    }

    /// <summary>The identity of a well-signed, current, unrevoked token; null for anything else.</summary>
    public ServiceAccountIdentity? Validate(string jwt)
    {
        try
        {
            var parts = jwt.Split('.');
            if (parts.Length != 3) return null;
            var header = JsonNode.Parse(FromBase64Url(parts[0]))?.AsObject();
            if (header?["alg"]?.GetValue<string>() != Algorithm) return null;
            if (!Verify(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), FromBase64Url(parts[2]))) return null;

            var claims = JsonNode.Parse(FromBase64Url(parts[1]))!.AsObject();
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            if (claims["iss"]?.GetValue<string>() != Issuer) return null;
            if (claims["exp"]?.GetValue<long>() is not { } exp || exp <= now) return null;
            if (claims["nbf"]?.GetValue<long>() is { } nbf && nbf > now + 60) return null;
            if (claims["aud"] is not JsonArray audiences || !audiences.Any(a => a?.GetValue<string>() == Audience)) return null;

            var jti = claims["jti"]?.GetValue<string>() ?? jwt;
            if (_revoked.ContainsKey(jti) || _revoked.ContainsKey(jwt)) return null;

            var info = claims["kubernetes.io"]!;
            var ns = info["namespace"]!.GetValue<string>();
            var name = info["serviceaccount"]!["name"]!.GetValue<string>();
            var uid = info["serviceaccount"]!["uid"]!.GetValue<string>();
            return claims["sub"]?.GetValue<string>() == $"system:serviceaccount:{ns}:{name}"
                ? new ServiceAccountIdentity(ns, name, uid, jti)
                : null;
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or NullReferenceException or CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Service accounts keep the same uid for the life of a cluster; derive it from the name.</summary>
    public static string StableUid(string ns, string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{ns}/{name}"));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }

    private static string? ReadTokenId(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3) return null;
        try
        {
            return JsonNode.Parse(FromBase64Url(parts[1]))?["jti"]?.GetValue<string>();
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private byte[] Sign(byte[] data) => _ecdsa is not null
        ? _ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
        : _rsa!.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    private bool Verify(byte[] data, byte[] signature) => _ecdsa is not null
        ? _ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
        : _rsa!.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += (padded.Length % 4) switch { 2 => "==", 3 => "=", 0 => "", _ => throw new FormatException("Bad base64url length.") };
        return Convert.FromBase64String(padded);
    }

    public void Dispose()
    {
        _ecdsa?.Dispose();
        _rsa?.Dispose();
    }
}
