namespace K8sComm.Sandbox;

/// <summary>
/// How hardened the whole sandbox cluster is. <see cref="Secure"/> looks like a cluster set up by the book;
/// <see cref="Insecure"/> carries every weakness the control-plane-to-node docs warn about.
/// </summary>
public enum SandboxPosture
{
    Secure,
    Insecure,
}
