using K8sComm.Sandbox.Kubelets;

namespace K8sComm.Sandbox.ApiServer;

/// <summary>
/// The API server settings a posture decides, and the kube-apiserver command line that would produce them
/// (shown on the kube-apiserver mirror pod).
/// </summary>
public sealed record ApiServerPolicy(
    AnonymousMode Anonymous,
    bool AlwaysAllow,
    bool VerifiesKubeletCertificates,
    bool EgressSelector)
{
    public static ApiServerPolicy For(SandboxOptions options)
    {
        var secure = options.Posture == SandboxPosture.Secure;
        return new ApiServerPolicy(
            options.AnonymousAuth ?? (secure ? AnonymousMode.Rejected : AnonymousMode.Allowed),
            AlwaysAllow: !secure,
            VerifiesKubeletCertificates: secure,
            EgressSelector: options.KonnectivityAgent ?? secure);
    }

    public string AuthorizationMode => AlwaysAllow ? "AlwaysAllow" : "Node,RBAC";

    public IReadOnlyList<string> CommandLine(string advertiseAddress, int securePort)
    {
        var command = new List<string>
        {
            "kube-apiserver",
            $"--advertise-address={advertiseAddress}",
            $"--secure-port={securePort}",
            $"--anonymous-auth={(Anonymous == AnonymousMode.Rejected ? "false" : "true")}",
            $"--authorization-mode={AuthorizationMode}",
            "--client-ca-file=/etc/kubernetes/pki/ca.crt",
            "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
            "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
            "--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt",
            "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
            "--kubelet-preferred-address-types=InternalIP,Hostname",
        };
        if (VerifiesKubeletCertificates) command.Add("--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt");
        if (EgressSelector) command.Add("--egress-selector-config-file=/etc/kubernetes/egress-selector-configuration.yaml");
        if (!AlwaysAllow) command.Add("--enable-admission-plugins=NodeRestriction");
        command.Add("--service-account-issuer=https://kubernetes.default.svc.cluster.local");
        command.Add("--service-account-key-file=/etc/kubernetes/pki/sa.pub");
        command.Add("--service-account-signing-key-file=/etc/kubernetes/pki/sa.key");
        command.Add("--service-cluster-ip-range=10.96.0.0/12");
        return command;
    }
}
