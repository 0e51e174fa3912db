/// Where a producer's pipe leads: another loop of this node, or a loop of
/// another node of the cluster (named by its endpoint).
enum PipeDestination: Hashable {
    case loop(Int)
    case node(NodePipeEndpoint)
}
