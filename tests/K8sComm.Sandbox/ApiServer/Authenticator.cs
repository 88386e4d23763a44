using System.Security.Cryptography;
using System.Text;
using K8sComm.Sandbox.Kubelets;
using K8sComm.Sandbox.Pki;
using Microsoft.AspNetCore.Http;

namespace K8sComm.Sandbox.ApiServer;

/// <summary>
/// The API server's authenticator chain: client certificate (CN = user, O = groups), bearer token
/// (the static admin token or a service-account JWT), then anonymous as the policy says.
/// Returns null when the request must be answered with 401.
/// </summary>
public sealed class Authenticator(ClusterPki pki, string adminToken, AnonymousMode anonymous)
{
    private readonly byte[] _adminToken = Encoding.UTF8.GetBytes(adminToken);

    public UserInfo? Authenticate(HttpContext context)
    {
        var certificate = context.Connection.ClientCertificate;
        if (certificate is not null)
        {
            // A certificate that does not chain to the cluster CA is a failed login, not an anonymous one.
            return pki.IsIssuedByCluster(certificate) ? FromCertificate(certificate) : null;
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.Length > 0)
        {
            const string scheme = "Bearer ";
            if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return null;
            return FromToken(authorization[scheme.Length..].Trim());
        }

        return anonymous == AnonymousMode.Rejected ? null : UserInfo.Anonymous;
    }

    private UserInfo? FromToken(string token)
    {
        if (CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), _adminToken))
        {
            return new UserInfo(ClusterPki.AdminUser, "sandbox-admin-uid", [ClusterPki.MastersGroup, "system:authenticated"], "token");
        }

        var account = pki.ServiceAccountTokens.Validate(token);
        return account is null
            ? null
            : new UserInfo(account.UserName, account.Uid,
                ["system:serviceaccounts", $"system:serviceaccounts:{account.Namespace}", "system:authenticated"],
                "serviceaccount");
    }

    private static UserInfo FromCertificate(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        string? commonName = null;
        var groups = new List<string>();
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            var oid = rdn.GetSingleElementType().Value;
            var value = rdn.GetSingleElementValue() ?? "";
            if (oid == "2.5.4.3") commonName ??= value;
            else if (oid == "2.5.4.10") groups.Add(value);
        }

        groups.Add("system:authenticated");
        return new UserInfo(commonName ?? "", "", groups, "x509");
    }
}
