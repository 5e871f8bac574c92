// The Autograd library: see issue 3. It builds on Tensor.
@_exported import Tensor
