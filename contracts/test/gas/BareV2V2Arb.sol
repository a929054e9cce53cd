// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IBalancerFlashLoanRecipient, IBalancerVault} from "../../interfaces/external/IBalancerVault.sol";
import {IUniswapV2Pair} from "../../interfaces/external/IUniswapV2Pair.sol";

/// @title BareV2V2Arb
/// @notice Gas reference only: a Balancer flash loan and two direct V2 swaps with precomputed
///         amounts and no checks at all. What it costs is the lender's and the pools' own work
///         plus the least glue possible; the executor's overhead is its gas minus this one's.
///         Unsafe by design; never deploy it anywhere but a test chain.
contract BareV2V2Arb is IBalancerFlashLoanRecipient {
    struct Plan {
        address token;
        bool tokenIsToken0OfPair1;
        bool tokenIsToken0OfPair2;
        address pair1;
        address pair2;
        uint256 out1;
        uint256 out2;
    }

    IBalancerVault public immutable vault;

    constructor(IBalancerVault vault_) {
        vault = vault_;
    }

    /// @notice Borrows `amount` of `plan.token` and runs the two swaps.
    function run(uint256 amount, Plan calldata plan) external {
        address[] memory tokens = new address[](1);
        tokens[0] = plan.token;
        uint256[] memory amounts = new uint256[](1);
        amounts[0] = amount;
        vault.flashLoan(address(this), tokens, amounts, abi.encode(plan));
    }

    /// @inheritdoc IBalancerFlashLoanRecipient
    function receiveFlashLoan(address[] calldata, uint256[] calldata amounts, uint256[] calldata, bytes calldata data)
        external
    {
        Plan memory plan = abi.decode(data, (Plan));
        IERC20(plan.token).transfer(plan.pair1, amounts[0]);
        // Selling the loan token on pair 1 pays out its other token, straight into pair 2.
        IUniswapV2Pair(plan.pair1).swap(
            plan.tokenIsToken0OfPair1 ? 0 : plan.out1, plan.tokenIsToken0OfPair1 ? plan.out1 : 0, plan.pair2, ""
        );
        IUniswapV2Pair(plan.pair2).swap(
            plan.tokenIsToken0OfPair2 ? plan.out2 : 0, plan.tokenIsToken0OfPair2 ? 0 : plan.out2, address(this), ""
        );
        IERC20(plan.token).transfer(address(vault), amounts[0]);
    }
}
